// The BI-reader driver: transport bytes -> LineFramer -> parseBiLine -> DeviceEvents, plus the link
// state. The same shape as the printer-line driver: garbage never stops it; each parse-error reason and
// the line overflow are logged once (warn) and counted, and the events still go out so nothing is lost.

import type { Logger } from 'pino';
import { parseErrorEvent } from '../../vocabulary/device-event.js';
import type { EmitEvent } from '../support/safe-emit.js';
import { type StreamDriverOptions, TransportSession } from '../support/transport-session.js';
import { WarnOncePerReason } from '../support/warn-once.js';
import { type FramedItem, LineFramer } from '../transport/line-framer.js';
import { type BiParserState, initialBiParserState, parseBiLine } from './parse.js';

export const BI_LINE_OVERFLOW_REASON = 'line longer than maxLineBytes';
export const BI_CUT_LINE_REASON = 'line cut off by a disconnect';
/** BI lines are short; a longer one is noise. */
export const DEFAULT_BI_MAX_LINE_BYTES = 1024;

export interface BiReaderDriverOptions extends StreamDriverOptions {
  /** Default `utf-8` (the protocol is ASCII). */
  encoding?: string;
  /** Default 1024. */
  maxLineBytes?: number;
  /** Refuse records without a ` *HH` checksum. Default false. */
  requireChecksum?: boolean;
}

export interface BiReaderCounters {
  bytes: number;
  lines: number;
  starts: number;
  results: number;
  cautions: number;
  /** parse-error events from the parser (overflows are counted apart). */
  parseErrors: number;
  overflows: number;
}

export class BiReaderDriver {
  private readonly options: BiReaderDriverOptions;
  private readonly log: Logger;
  private framer: LineFramer | undefined;
  private state: BiParserState = initialBiParserState();
  private readonly session: TransportSession;
  private readonly emit: EmitEvent;
  private readonly unparsed: WarnOncePerReason;
  private readonly counts: BiReaderCounters = { bytes: 0, lines: 0, starts: 0, results: 0, cautions: 0, parseErrors: 0, overflows: 0 };
  private started = false;

  constructor(options: BiReaderDriverOptions) {
    this.options = options;
    this.log = options.logger.child({ driver: 'bi-reader', deviceId: options.deviceId });
    this.session = new TransportSession({
      deviceId: options.deviceId,
      transport: options.transport,
      log: this.log,
      now: options.now,
      onEvent: options.onEvent,
    });
    this.emit = this.session.emit;
    this.unparsed = new WarnOncePerReason(this.log, 'unparsed line');
  }

  /** Validates the settings (throws a GatewayError naming the problem), then opens the transport. */
  async start(): Promise<void> {
    if (this.started) return;
    this.framer = new LineFramer({
      maxLineBytes: this.options.maxLineBytes ?? DEFAULT_BI_MAX_LINE_BYTES,
      encoding: this.options.encoding ?? 'utf-8',
    });
    this.started = true;
    this.log.info({ transport: this.options.transport.description }, 'bi-reader driver starting');
    await this.session.open({ onData: (chunk) => this.onData(chunk), onDown: () => this.onLinkDown() });
  }

  /** Idempotent. No event is emitted once it has begun. */
  stop(): Promise<void> {
    return this.session.stop();
  }

  get counters(): Readonly<BiReaderCounters> {
    return { ...this.counts };
  }

  private onData(chunk: Buffer): void {
    if (this.framer === undefined) return;
    this.counts.bytes += chunk.length;
    this.handle(this.framer.push(chunk));
  }

  private onLinkDown(): void {
    // A line cut by the disconnect is neither glued to the next connection's bytes nor parsed: cut
    // after `lot=A23` it would read as a valid record of the wrong lot. It is reported instead.
    for (const item of this.framer?.flush() ?? []) {
      this.counts.parseErrors++;
      this.reject(BI_CUT_LINE_REASON, item.kind === 'line' ? item.text : item.head, this.options.now());
    }
  }

  private handle(items: FramedItem[]): void {
    for (const item of items) {
      const recvTs = this.options.now();
      if (item.kind === 'overflow') {
        this.counts.overflows++;
        this.reject(BI_LINE_OVERFLOW_REASON, item.head, recvTs, { maxLineBytes: this.framer?.maxLineBytes });
        continue;
      }
      this.counts.lines++;
      const { state, events } = parseBiLine(this.state, item.text, {
        deviceId: this.options.deviceId,
        recvTs,
        ...(this.options.requireChecksum && { requireChecksum: true }),
      });
      this.state = state;
      for (const event of events) {
        switch (event.kind) {
          case 'parse-error':
            this.counts.parseErrors++;
            this.unparsed.warn(event.reason, event.raw);
            break;
          case 'bi-start':
            this.counts.starts++;
            break;
          case 'bi-result':
            this.counts.results++;
            this.log.info({ well: event.well, lot: event.lot, result: event.result, control: event.control ?? false, caution: event.caution }, 'BI result');
            break;
          case 'bi-caution':
            this.counts.cautions++;
            this.log.warn({ well: event.well, code: event.code, text: event.text }, 'BI reader caution');
            break;
          default:
            break;
        }
        this.emit(event);
      }
    }
  }

  /** A line the driver itself refuses: logged once per reason and emitted as a parse-error. */
  private reject(reason: string, raw: string, ts: number, extra: Record<string, unknown> = {}): void {
    this.unparsed.warn(reason, raw, extra);
    this.emit(parseErrorEvent(this.options.deviceId, ts, reason, raw));
  }
}
