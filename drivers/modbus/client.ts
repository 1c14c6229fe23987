// Our typed Modbus master over modbus-serial, which has neither a queue nor reconnect: one connection
// (a TCP socket, a serial bus, or a TCP link to a serial device server) with one request in flight
// and the rest queued in order, a timeout per request measured from when it goes on the wire (so a
// queue behind a silent unit never eats another unit's timeout), and reconnect with backoff and
// jitter, reported once per change. modbus-serial does the framing, CRC and exception decoding:
//   tcp           connectTCP          MBAP framing (Modbus TCP)
//   rtu           connectRTUBuffered  RTU frames on a serial port (serialport with our EOF-safe binding)
//   rtu-over-tcp  connectTelnet       raw RTU frames with CRC over TCP (serial device server). Note that
//                                     modbus-serial's connectTcpRTUBuffered is MBAP, not RTU, despite its name.

import { setTimeout as delay } from 'node:timers/promises';
import modbusSerial from 'modbus-serial';
import type { Logger } from 'pino';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from '../../vocabulary/backoff.js';
import { errorMessage, GatewayError } from '../../vocabulary/errors.js';
import { eofSafeBinding } from '../transport/eof-safe-binding.js';
import { describeLink, linkKey, type ModbusLinkSettings, type ModbusMode, validateLinkSettings } from './link-settings.js';
import { classifyLibraryError, garbledError, isModbusRequestError, notConnectedError, type RequestDescription, timeoutError } from './request-errors.js';

// modbus-serial is CommonJS: its module object is the client class (and `.default` is the same class).
const ModbusRTU = modbusSerial.default;
type ModbusRTU = InstanceType<typeof modbusSerial.default>;

export interface ReadRequest extends RequestDescription {
  timeoutMs: number;
}

export interface ConnectionState {
  online: boolean;
  error?: string;
}

export interface ModbusConnectionOptions {
  settings: ModbusLinkSettings;
  logger?: Logger;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** Give up a connection attempt after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** A TCP link (not a serial bus) is re-opened after this many timeouts in a row with no reply in
   * between: a device that stopped answering on an open socket is often a half-open connection. Default 3. */
  reopenAfterTimeouts?: number;
}

export interface ConnectionCounters {
  requests: number;
  timeouts: number;
  failures: number;
  connects: number;
}

interface Job {
  req: ReadRequest;
  resolve: (words: number[]) => void;
  reject: (e: Error) => void;
}

const REOPENED = 're-opened after requests went unanswered';
const LOST = 'connection lost';

export class ModbusConnection {
  readonly key: string;
  readonly description: string;
  private readonly opts: ModbusConnectionOptions;
  private readonly log: Logger | undefined;
  private readonly queue: Job[] = [];
  private inflight: Job | undefined;
  /** Fails the request in flight at once (the connection dropped, or stop()). */
  private abortInflight: ((e: Error) => void) | undefined;
  private pumping = false;
  private client: ModbusRTU | undefined;
  /** Ends serve() for the current client, with why. */
  private endClient: ((why: string) => void) | undefined;
  private state: ConnectionState = { online: false };
  private reported: boolean | undefined;
  private quietDown = false;
  private readonly listeners = new Set<(s: ConnectionState) => void>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private timeoutsInARow = 0;
  private readonly counts: ConnectionCounters = { requests: 0, timeouts: 0, failures: 0, connects: 0 };
  private firstAttemptDone: () => void = () => undefined;
  /** Settles when the first connection attempt has succeeded or failed (or stop() came first). */
  readonly firstAttempt: Promise<void> = new Promise<void>((resolve) => {
    this.firstAttemptDone = resolve;
  });

  constructor(opts: ModbusConnectionOptions) {
    this.opts = opts;
    this.key = linkKey(opts.settings);
    this.description = describeLink(opts.settings);
    this.log = opts.logger?.child({ link: this.description });
  }

  /** Starts connecting (and reconnecting) until stop(). Throws a GatewayError on unusable settings. */
  start(): void {
    if (this.loop !== undefined) return;
    const problems = validateLinkSettings(this.opts.settings);
    if (problems.length > 0)
      throw new GatewayError('device.modbus.settings', `${this.description}: ${problems.join('; ')}`, { link: this.description, problems });
    this.loop = this.connectLoop();
  }

  get online(): boolean {
    return this.state.online;
  }

  get counters(): Readonly<ConnectionCounters> {
    return { ...this.counts };
  }

  /** Called on every change of state (and not for repeated failures while offline). Returns an unsubscribe. */
  onState(listener: (s: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves true once online, false if `signal` aborts or the connection stops first. */
  async whenOnline(signal: AbortSignal): Promise<boolean> {
    if (this.state.online) return true;
    if (signal.aborted || this.stopping !== undefined) return false;
    return new Promise<boolean>((resolve) => {
      const done = (value: boolean): void => {
        off();
        signal.removeEventListener('abort', onAbort);
        this.abort.signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = (): void => done(false);
      const off = this.onState((s) => {
        if (s.online) done(true);
      });
      signal.addEventListener('abort', onAbort, { once: true });
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Reads registers; queued behind the requests before it. Rejects with a ModbusRequestError. */
  read(req: ReadRequest): Promise<number[]> {
    if (this.stopping !== undefined || !this.state.online)
      return Promise.reject(notConnectedError(req, this.description, this.stopping ? 'is closed' : 'is down'));
    return new Promise<number[]>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      void this.pump();
    });
  }

  /** Idempotent. Rejects what is queued, closes the link. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.abort.abort();
    this.firstAttemptDone();
    this.failQueued('is closed');
    this.endClient?.('stopped');
    await this.loop;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) {
        this.inflight = job;
        await this.execute(job);
        this.inflight = undefined;
      }
    } finally {
      this.pumping = false;
    }
  }

  private async execute(job: Job): Promise<void> {
    const { req } = job;
    const client = this.client;
    if (client === undefined || !this.state.online || this.stopping !== undefined) {
      job.reject(notConnectedError(req, this.description, 'is down'));
      return;
    }
    this.counts.requests++;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const outcome = await new Promise<{ words: number[] } | { error: Error }>((resolve) => {
      const settle = (v: { words: number[] } | { error: Error }): void => {
        if (settled) return;
        settled = true;
        resolve(v);
      };
      // Our own timer as well as modbus-serial's: its timer is cancelled if the port is destroyed mid-request.
      timer = setTimeout(() => settle({ error: timeoutError(req, this.description, req.timeoutMs) }), req.timeoutMs);
      this.abortInflight = (e) => settle({ error: e });
      client.setID(req.unitId);
      client.setTimeout(req.timeoutMs);
      const pending = req.function === 'holding' ? client.readHoldingRegisters(req.address, req.count) : client.readInputRegisters(req.address, req.count);
      pending.then(
        // modbus-serial trusts the reply's byte count; a reply that carries another number of registers is garbled.
        (r) => settle(r.data.length === req.count ? { words: r.data } : { error: garbledError(req, this.description, r.data.length) }),
        (e: unknown) => settle({ error: classifyLibraryError(e, req, this.description, req.timeoutMs) }),
      );
    });
    clearTimeout(timer);
    this.abortInflight = undefined;
    if ('words' in outcome) {
      this.timeoutsInARow = 0;
      job.resolve(outcome.words);
      return;
    }
    let error = outcome.error;
    if (!client.isOpen) {
      // The socket is gone though no 'close' came: modbus-serial's TCP port clears its open flag on a socket
      // 'error' (a reset, a broken pipe) and then relays 'close' only while that flag is set, so a connection
      // reset by the device never reports its close. Its requests fail at once ("Port Not Open"), or, for the
      // one on the wire, by our timer. Either way the connection has ended: end it, so it goes down and
      // reconnects, and fail the request as not sent rather than as a silent unit.
      if (this.client === client) this.endClient?.(LOST);
      if (isModbusRequestError(error, 'timeout')) error = notConnectedError(req, this.description, `went down (${LOST})`);
    }
    this.counts.failures++;
    const kind = isModbusRequestError(error) ? error.kind : 'io';
    if (kind === 'timeout') {
      this.counts.timeouts++;
      this.timeoutsInARow++;
      const limit = this.opts.reopenAfterTimeouts ?? 3;
      if (this.opts.settings.mode !== 'rtu' && this.timeoutsInARow >= limit) {
        this.log?.warn({ timeouts: this.timeoutsInARow }, 'no reply to several requests in a row; re-opening the connection');
        this.timeoutsInARow = 0;
        this.endClient?.(REOPENED);
      }
    } else if (kind !== 'not-connected') {
      this.timeoutsInARow = 0; // something answered
    }
    job.reject(error);
  }

  private async connectLoop(): Promise<void> {
    const policy = this.opts.backoff ?? DEFAULT_BACKOFF;
    let attempt = 0;
    while (!this.abort.signal.aborted) {
      let client: ModbusRTU | undefined;
      try {
        client = await this.open();
      } catch (e) {
        if (this.abort.signal.aborted) break;
        this.log?.debug({ attempt, err: errorMessage(e) }, 'connect failed');
        this.setState({ online: false, error: errorMessage(e) });
      }
      if (client !== undefined) {
        attempt = 0;
        this.counts.connects++;
        const why = await this.serve(client);
        if (this.abort.signal.aborted) break;
        this.setState({ online: false, error: why }, why === REOPENED);
      }
      const wait = backoffDelay(policy, attempt++, this.opts.random);
      this.log?.debug({ attempt, inMs: wait }, 'reconnecting');
      try {
        await delay(wait, undefined, { signal: this.abort.signal });
      } catch {
        break; // stop() aborted the wait
      }
    }
    this.state = { online: false };
  }

  /** Keeps `client` as the connection until it closes (or stop()); resolves with why it ended. */
  private async serve(client: ModbusRTU): Promise<string> {
    const closed = new Promise<string>((resolve) => {
      let done = false;
      const finish = (why: string): void => {
        if (done) return;
        done = true;
        resolve(why);
      };
      client.on('close', () => finish('connection closed'));
      client.on('error', (e: unknown) => {
        this.log?.debug({ err: errorMessage(e) }, 'link error');
        if (!client.isOpen) finish(errorMessage(e));
      });
      this.endClient = finish;
    });
    if (this.abort.signal.aborted) {
      await closeQuietly(client, this.opts.settings.mode);
      return 'stopped';
    }
    this.client = client;
    this.timeoutsInARow = 0;
    this.setState({ online: true });
    const why = await closed;
    this.client = undefined;
    this.endClient = undefined;
    this.failQueued(`went down (${why})`);
    await closeQuietly(client, this.opts.settings.mode);
    return why;
  }

  private async open(): Promise<ModbusRTU> {
    const s = this.opts.settings;
    const client = new ModbusRTU();
    // An 'error' listener from the start: an unhandled one would crash the process.
    client.on('error', () => undefined);
    const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
    let connecting: Promise<void>;
    switch (s.mode) {
      case 'tcp':
        connecting = client.connectTCP(s.host as string, { port: s.port ?? 502 });
        break;
      case 'rtu-over-tcp':
        connecting = client.connectTelnet(s.host as string, { port: s.port as number });
        break;
      case 'rtu': {
        const serial = {
          baudRate: s.baudRate ?? 9600,
          dataBits: s.dataBits ?? 8,
          parity: s.parity ?? 'none',
          stopBits: s.stopBits ?? 1,
          // Passed through to serialport (modbus-serial's option type does not list it): reads that hit end
          // of file report a disconnect instead of spinning (see transport/eof-safe-binding.ts).
          binding: eofSafeBinding(),
        };
        connecting = client.connectRTUBuffered(s.path as string, serial);
        break;
      }
    }
    let timer: NodeJS.Timeout | undefined;
    let onAbort: () => void = () => undefined;
    try {
      await Promise.race([
        connecting,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`connecting to ${this.description} timed out after ${timeoutMs} ms`)), timeoutMs);
          onAbort = () => reject(new Error('stopped'));
          this.abort.signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } catch (e) {
      connecting.catch(() => undefined); // its failure, if it comes later, is this one
      await closeQuietly(client, s.mode);
      throw e;
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onAbort);
    }
    return client;
  }

  /** `quiet`: a change we caused (a re-open), logged at debug only. */
  private setState(state: ConnectionState, quiet = false): void {
    this.state = state;
    this.firstAttemptDone();
    if (this.reported === state.online || this.stopping !== undefined) return;
    const wasQuiet = this.quietDown;
    this.reported = state.online;
    this.quietDown = !state.online && quiet;
    if (quiet || (state.online && wasQuiet)) this.log?.debug({ error: state.error }, state.online ? 'link up again' : 'link down');
    else if (state.online) this.log?.info('link up');
    else this.log?.warn({ error: state.error }, 'link down');
    for (const l of [...this.listeners]) {
      try {
        l(state);
      } catch (e) {
        this.log?.error({ err: errorMessage(e) }, 'connection state listener threw');
      }
    }
  }

  private failQueued(why: string): void {
    const inflight = this.inflight;
    if (inflight !== undefined) this.abortInflight?.(notConnectedError(inflight.req, this.description, why));
    for (const job of this.queue.splice(0)) job.reject(notConnectedError(job.req, this.description, why));
  }
}

/** Closes a modbus-serial client without throwing. A serial port is closed (and must be, before it is
 * reopened: it is locked); a socket is destroyed, since a half-close would wait for the peer. */
async function closeQuietly(client: ModbusRTU, mode: ModbusMode): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      if (mode === 'rtu' && client.isOpen) client.close(done);
      else client.destroy(done);
    } catch {
      done(); // a port that never opened has nothing to close
    }
  });
}
