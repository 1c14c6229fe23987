// Shared by the scanner and BI-reader integration tests: an event collector the tests await and a
// captured logger (PTY pairs and cleanups: test/helpers/cleanups.ts).
import { pino, type Logger } from 'pino';
import type { DeviceEvent } from '../../drivers/device-event.js';
import type { BackoffPolicy } from '../../drivers/transport/transport.js';

export const FAST: BackoffPolicy = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 };

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
