// The transport side of a stream driver (printer line, BI reader, scanner): opens the transport, traces
// the bytes received, reports the link (link-reporter.ts), hands events on (safe-emit.ts) and stops
// idempotently. Once stop() has begun, no more bytes or link changes reach the driver, so it emits no
// more events of its own.

import type { Logger } from 'pino';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import type { Transport } from '../transport/transport.js';
import { LinkReporter } from './link-reporter.js';
import { type EmitEvent, safeEmitter } from './safe-emit.js';

/** What every stream driver is given, whatever its device family. */
export interface StreamDriverOptions {
  deviceId: string;
  transport: Transport;
  logger: Logger;
  /** Gateway clock (ms since the epoch). */
  now: () => number;
  onEvent: (event: DeviceEvent) => void;
}

export interface TransportSessionOptions {
  deviceId: string;
  transport: Transport;
  /** The driver's logger (its `rx` trace and link lines go here). */
  log: Logger;
  now: () => number;
  onEvent: EmitEvent;
}

export interface TransportSessionHandlers {
  /** Bytes from the device. */
  onData(chunk: Buffer): void;
  /** The link dropped: deal with what the disconnect cut. Its events precede the `link` event. */
  onDown(): void;
}

export class TransportSession {
  /** Hands an event to the driver's owner; a throwing handler is logged. */
  readonly emit: EmitEvent;
  private readonly o: TransportSessionOptions;
  private readonly link: LinkReporter;
  private stopping: Promise<void> | undefined;

  constructor(options: TransportSessionOptions) {
    this.o = options;
    this.emit = safeEmitter(options.log, options.onEvent);
    this.link = new LinkReporter({ deviceId: options.deviceId, transport: options.transport, log: options.log, now: options.now, emit: this.emit });
  }

  /** Starts the transport; resolves once its first attempt was made. */
  open(handlers: TransportSessionHandlers): Promise<void> {
    const log = this.o.log;
    return this.o.transport.start({
      onData: (chunk) => {
        if (this.stopped) return;
        if (log.isLevelEnabled('trace')) log.trace({ rx: chunk.toString('hex') }, 'rx');
        handlers.onData(chunk);
      },
      onLink: (state) => {
        if (!this.stopped) this.link.report(state, () => handlers.onDown());
      },
    });
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.o.transport.stop();
    return this.stopping;
  }
}
