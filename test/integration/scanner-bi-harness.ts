// Shared by the scanner and BI-reader integration tests: a socat PTY pair, an event collector the
// tests await, a quiet logger and a cleanup list run after each test (processes first, then files).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { DeviceEvent } from '../../drivers/device-event.js';
import type { BackoffPolicy } from '../../drivers/transport/transport.js';

export const FAST: BackoffPolicy = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 };

export class Cleanups {
  private readonly list: Array<() => Promise<void>> = [];
  add(fn: () => Promise<void>): void {
    this.list.push(fn);
  }
  async run(): Promise<void> {
    for (const fn of this.list.splice(0).reverse()) await fn();
  }
}

export async function tempDir(cleanups: Cleanups, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.add(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** socat PTY pair with stable links; resolves once socat reports its transfer loop is running. */
export async function startSocat(cleanups: Cleanups, devicePath: string, gatewayPath: string): Promise<ChildProcess> {
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${gatewayPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  cleanups.add(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('starting data transfer loop')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`socat exited ${code}: ${err}`)));
    proc.once('error', reject);
  });
  return proc;
}

/** Collects device events; `until` resolves once the check passes (now or on a later event), or rejects after `timeoutMs`. */
export class Events {
  readonly all: DeviceEvent[] = [];
  private waiters: (() => boolean)[] = [];
  readonly push = (e: DeviceEvent): void => {
    this.all.push(e);
    this.waiters = this.waiters.filter((w) => !w());
  };
  until(check: (all: DeviceEvent[]) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.all.map((e) => e.kind))}`));
      }, timeoutMs);
      const waiter = (): boolean => {
        if (!check(this.all)) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      if (!waiter()) this.waiters.push(waiter);
    });
  }
  of<K extends DeviceEvent['kind']>(kind: K): Extract<DeviceEvent, { kind: K }>[] {
    return this.all.filter((e): e is Extract<DeviceEvent, { kind: K }> => e.kind === kind);
  }
  count(kind: DeviceEvent['kind']): number {
    return this.all.filter((e) => e.kind === kind).length;
  }
  /** Resolves at the n-th link event with this state. */
  link(connected: boolean, nth = 1): Promise<void> {
    return this.until((all) => all.filter((e) => e.kind === 'link' && e.connected === connected).length >= nth, `link ${connected ? 'up' : 'down'} #${nth}`);
  }
}

export interface LogLine { level: number; msg: string; reason?: string }

export function captureLogger(): { logger: Logger; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  return { logger, logs };
}
