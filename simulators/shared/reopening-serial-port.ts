// A simulated device's serial port (a USB adapter, or one end of a socat PTY pair), kept open the way a
// device keeps its port: if the path cannot be opened, or the port goes away (adapter unplugged, PTY
// closed), it tries again every `retryMs`. Each problem is logged once until another one replaces it.

import { SerialPort } from 'serialport';

export interface ReopeningSerialPortOptions {
  path: string;
  baudRate: number;
  retryMs: number;
  /** Starts every log line, e.g. `serial /dev/ttyUSB0 @ 9600`. */
  description: string;
  log: (line: string) => void;
  /** What the port is called when it goes away (`port lost; reopening`). Default `port`. */
  lostName?: 'port' | 'link';
  /** Added to the retry and reopen notices, e.g. `, output is dropped meanwhile`. */
  meanwhile?: string;
  /** Let the process exit while only a retry is pending. Default false. */
  unrefRetry?: boolean;
  /** Each newly opened port, to listen on it. */
  onOpen?: (port: SerialPort) => void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class ReopeningSerialPort {
  private readonly o: ReopeningSerialPortOptions;
  private current: SerialPort | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private lastProblem = '';

  constructor(options: ReopeningSerialPortOptions) {
    this.o = options;
  }

  /** The open port, if any. */
  get port(): SerialPort | undefined {
    return this.current?.isOpen ? this.current : undefined;
  }

  /** One attempt now (and retries after it if it fails); resolves either way. */
  async open(): Promise<void> {
    this.stopped = false;
    await this.attempt();
  }

  /** Stops retrying and closes the port. Idempotent. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    const p = this.current;
    this.current = undefined;
    if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
  }

  private problem(text: string): void {
    if (text !== this.lastProblem) this.o.log(`${this.o.description}: ${text}`);
    this.lastProblem = text;
  }

  private scheduleAttempt(): void {
    if (this.stopped || this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.attempt();
    }, this.o.retryMs);
    if (this.o.unrefRetry) this.retry.unref();
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.current !== undefined) return;
    const meanwhile = this.o.meanwhile ?? '';
    const candidate = new SerialPort({ path: this.o.path, baudRate: this.o.baudRate, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => candidate.open((e) => (e ? reject(e) : resolve())));
    } catch (e) {
      this.problem(`cannot open (${message(e)}); retrying every ${this.o.retryMs} ms${meanwhile}`);
      this.scheduleAttempt();
      return;
    }
    if (this.stopped) {
      candidate.close();
      return;
    }
    this.current = candidate;
    this.lastProblem = '';
    this.o.log(`${this.o.description}: open`);
    candidate.on('error', (e: Error) => this.problem(`error (${e.message})`));
    candidate.on('close', () => {
      if (this.current !== candidate) return;
      this.current = undefined;
      if (this.stopped) return;
      this.problem(`${this.o.lostName ?? 'port'} lost; reopening${meanwhile}`);
      this.scheduleAttempt();
    });
    this.o.onOpen?.(candidate);
  }
}
