// The lifecycle every stream driver (printer line, BI reader, scanner) shares: a child logger naming the
// driver and device, a TransportSession, the counters, a started flag, an idempotent stop, and a rejected
// frame reported as a parse-error (logged once per reason). A family adds its framer and parser: it sets
// them up in start() and then calls `open()`, and turns the bytes of `onData` into events.

import type { Logger } from 'pino';
import { parseErrorEvent } from '../../vocabulary/device-event.js';
import type { EmitEvent } from './safe-emit.js';
import { type StreamDriverOptions, TransportSession } from './transport-session.js';
import { WarnOncePerReason } from './warn-once.js';

export interface StreamDriverCounters {
  bytes: number;
  /** parse-error events, from the parser or the driver itself. */
  parseErrors: number;
  overflows: number;
}

export abstract class StreamDriver<O extends StreamDriverOptions, C extends StreamDriverCounters> {
  protected readonly options: O;
  protected readonly log: Logger;
  protected readonly session: TransportSession;
  protected readonly emit: EmitEvent;
  /** Each reason of a refused frame is a warning once, then debug. */
  protected readonly warnings: WarnOncePerReason;
  protected readonly counts: C;
  protected started = false;
  private readonly driver: string;

  /** `driver` names the family in the log; `problem` names a refused frame (e.g. `unparsed line`). */
  constructor(options: O, driver: string, problem: string, counts: C) {
    this.options = options;
    this.driver = driver;
    this.counts = counts;
    this.log = options.logger.child({ driver, deviceId: options.deviceId });
    this.session = new TransportSession({
      deviceId: options.deviceId,
      transport: options.transport,
      log: this.log,
      now: options.now,
      onEvent: options.onEvent,
    });
    this.emit = this.session.emit;
    this.warnings = new WarnOncePerReason(this.log, problem);
  }

  /** Validates the settings (throws a GatewayError naming the problem), then opens the transport. */
  abstract start(): Promise<void>;

  /** Idempotent. No event is emitted once it has begun. */
  stop(): Promise<void> {
    return this.session.stop();
  }

  get counters(): Readonly<C> {
    return { ...this.counts };
  }

  /** Bytes from the device, already counted. */
  protected abstract receive(chunk: Buffer): void;

  /** The link dropped: deal with the frame the disconnect cut (its events precede the `link` event). */
  protected abstract onLinkDown(): void;

  /** Marks the driver started, logs `<driver> driver starting` with `fields`, and opens the transport. */
  protected async open(fields: Record<string, unknown>): Promise<void> {
    this.started = true;
    this.log.info({ transport: this.options.transport.description, ...fields }, `${this.driver} driver starting`);
    await this.session.open({
      onData: (chunk) => {
        this.counts.bytes += chunk.length;
        this.receive(chunk);
      },
      onDown: () => this.onLinkDown(),
    });
  }

  /** A parse-error from the parser: counted and logged once per reason (the caller emits the event). */
  protected countParseError(reason: string, raw: string): void {
    this.counts.parseErrors++;
    this.warnings.warn(reason, raw);
  }

  /** A frame the driver itself refuses: logged once per reason and emitted as a parse-error. */
  protected reject(reason: string, raw: string, ts: number, extra: Record<string, unknown> = {}): void {
    this.warnings.warn(reason, raw, extra);
    this.emit(parseErrorEvent(this.options.deviceId, ts, reason, raw));
  }
}
