// The BI-reader driver: transport bytes -> LineFramer -> parseBiLine -> DeviceEvents; the lifecycle, link
// and counters are the shared StreamDriver's (support/stream-driver.ts), as for the printer line: garbage never stops it; each parse-error reason and
// the line overflow are logged once (warn) and counted, and the events still go out so nothing is lost.

import { LineDriver } from '../support/line-driver.js';
import type { StreamDriverOptions } from '../support/transport-session.js';
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

export class BiReaderDriver extends LineDriver<BiReaderDriverOptions, BiReaderCounters> {
  protected readonly overflowReason = BI_LINE_OVERFLOW_REASON;
  private state: BiParserState = initialBiParserState();

  constructor(options: BiReaderDriverOptions) {
    super(options, 'bi-reader', 'unparsed line', { bytes: 0, lines: 0, starts: 0, results: 0, cautions: 0, parseErrors: 0, overflows: 0 });
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.openLines({ maxLineBytes: this.options.maxLineBytes ?? DEFAULT_BI_MAX_LINE_BYTES, encoding: this.options.encoding ?? 'utf-8' }, {});
  }

  protected override onLinkDown(): void {
    // A line cut by the disconnect is neither glued to the next connection's bytes nor parsed: cut
    // after `lot=A23` it would read as a valid record of the wrong lot. It is reported instead.
    for (const item of this.framer?.flush() ?? []) {
      this.counts.parseErrors++;
      this.reject(BI_CUT_LINE_REASON, item.kind === 'line' ? item.text : item.head, this.options.now());
    }
  }

  protected line(text: string, recvTs: number): void {
    const { state, events } = parseBiLine(this.state, text, {
      deviceId: this.options.deviceId,
      recvTs,
      ...(this.options.requireChecksum && { requireChecksum: true }),
    });
    this.state = state;
    for (const event of events) {
      switch (event.kind) {
        case 'parse-error':
          this.countParseError(event.reason, event.raw);
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
