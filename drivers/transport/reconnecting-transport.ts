// The reconnect policy every real transport shares: open, and after an open failure or a lost
// connection wait backoffDelay(policy, attempt) and try again, forever, until stop(). The link state
// goes to the handlers once per change (the first failed attempt says "disconnected", the next ones
// stay quiet). No handler is called once stop() has begun. Serial and TCP differ only in their Opener.

import type { Logger } from 'pino';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from '../../vocabulary/backoff.js';
import { errorMessage, GatewayError } from '../../vocabulary/errors.js';
import type { LinkState, Transport, TransportHandlers } from './transport.js';

/** One open connection, as an Opener hands it back. */
export interface LinkConnection {
  write(data: Buffer): Promise<void>;
  /** Closes it; `onClosed` is not called for a close we asked for. */
  close(): Promise<void>;
}

export interface ConnectionCallbacks {
  onData(chunk: Buffer): void;
  /** The connection ended by itself (peer closed, device gone, I/O error). Called at most once. */
  onClosed(error?: Error): void;
}

/** Opens one connection; rejects when it cannot, or soon after `signal` aborts (stop() was called).
 * Calls no callback before it resolves. */
export type Opener = (callbacks: ConnectionCallbacks, signal: AbortSignal) => Promise<LinkConnection>;

/** Injectable timers, so tests can see that stop() leaves nothing scheduled. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ReconnectOptions {
  backoff?: BackoffPolicy;
  random?: () => number;
  timers?: Timers;
  /** Each attempt and failure is logged at debug level; handler failures at error level. */
  logger?: Logger;
}

export class ReconnectingTransport implements Transport {
  readonly description: string;
  private readonly open: Opener;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly timers: Timers;
  private readonly logger: Logger | undefined;

  private handlers: TransportHandlers | undefined;
  private connection: LinkConnection | undefined;
  /** Bumped for every attempt, so callbacks of an older connection are recognised and ignored. */
  private generation = 0;
  private attempt = 0;
  private timer: unknown;
  private timerArmed = false;
  private attempting: Promise<void> | undefined;
  private reported: boolean | undefined;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(description: string, open: Opener, options: ReconnectOptions = {}) {
    this.description = description;
    this.open = open;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? REAL_TIMERS;
    this.logger = options.logger;
  }

  async start(handlers: TransportHandlers): Promise<void> {
    if (this.handlers !== undefined) {
      throw new GatewayError('device.transport.started', `${this.description}: start() called twice`);
    }
    this.handlers = handlers;
    await this.connect();
  }

  async write(data: Buffer | string): Promise<void> {
    const connection = this.connection;
    if (connection === undefined || this.stopping !== undefined) {
      throw new GatewayError('device.transport.not-connected', `${this.description}: not connected`);
    }
    await connection.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** True while a connection is open. */
  get connected(): boolean {
    return this.connection !== undefined;
  }

  /** True while a reconnect attempt is scheduled. */
  get reconnectPending(): boolean {
    return this.timerArmed;
  }

  private connect(): Promise<void> {
    const run = this.attemptOnce();
    this.attempting = run;
    return run;
  }

  private async attemptOnce(): Promise<void> {
    this.timerArmed = false;
    if (this.stopping !== undefined) return;
    const generation = ++this.generation;
    const callbacks: ConnectionCallbacks = {
      onData: (chunk) => {
        if (generation !== this.generation || this.connection === undefined || this.stopping !== undefined) return;
        try {
          this.handlers?.onData(chunk);
        } catch (e) {
          this.handlerFailed(e);
        }
      },
      onClosed: (error) => this.lost(generation, error),
    };
    let connection: LinkConnection;
    try {
      this.logger?.debug({ transport: this.description, attempt: this.attempt }, 'opening link');
      connection = await this.open(callbacks, this.abort.signal);
    } catch (e) {
      if (this.stopping !== undefined) return;
      this.logger?.debug({ transport: this.description, attempt: this.attempt, err: errorMessage(e) }, 'open failed');
      this.report({ connected: false, error: errorMessage(e) });
      this.schedule();
      return;
    }
    if (this.stopping !== undefined) {
      await this.closeQuietly(connection);
      return;
    }
    this.connection = connection;
    this.attempt = 0;
    this.report({ connected: true });
  }

  private lost(generation: number, error: Error | undefined): void {
    if (generation !== this.generation || this.connection === undefined || this.stopping !== undefined) return;
    this.connection = undefined;
    this.logger?.debug({ transport: this.description, err: error?.message }, 'link lost');
    this.report(error === undefined ? { connected: false } : { connected: false, error: error.message });
    this.schedule();
  }

  private schedule(): void {
    const delay = backoffDelay(this.backoff, this.attempt, this.random);
    this.attempt++;
    this.timerArmed = true;
    this.timer = this.timers.setTimeout(() => {
      void this.connect();
    }, delay);
  }

  private report(state: LinkState): void {
    if (this.reported === state.connected || this.stopping !== undefined) return;
    this.reported = state.connected;
    try {
      this.handlers?.onLink(state);
    } catch (e) {
      this.handlerFailed(e);
    }
  }

  private async shutdown(): Promise<void> {
    this.abort.abort();
    if (this.timerArmed) {
      this.timers.clearTimeout(this.timer);
      this.timerArmed = false;
    }
    await this.attempting;
    const connection = this.connection;
    this.connection = undefined;
    if (connection !== undefined) await this.closeQuietly(connection);
  }

  /** Closing on the way out: a failure is logged, never thrown (there is nothing left to retry). */
  private async closeQuietly(connection: LinkConnection): Promise<void> {
    try {
      await connection.close();
    } catch (e) {
      this.logger?.warn({ transport: this.description, err: errorMessage(e) }, 'close failed');
    }
  }

  private handlerFailed(e: unknown): void {
    if (this.logger !== undefined) {
      this.logger.error({ transport: this.description, err: errorMessage(e) }, 'link handler threw');
      return;
    }
    queueMicrotask(() => {
      throw e;
    });
  }
}
