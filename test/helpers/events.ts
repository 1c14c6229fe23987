// Collects a driver's DeviceEvents (pass `push` as its onEvent) and lets a test await them: every wait
// resolves on an event already seen or still to come, and fails after a ceiling naming what it wanted.
import type { DeviceEvent } from '../../vocabulary/device-event.js';

type Of<K extends DeviceEvent['kind']> = Extract<DeviceEvent, { kind: K }>;

export class Events {
  readonly all: DeviceEvent[] = [];
  private waiters: (() => boolean)[] = [];

  readonly push = (e: DeviceEvent): void => {
    this.all.push(e);
    this.waiters = this.waiters.filter((w) => !w());
  };

  /** Resolves once `check` passes (now or on a later event); rejects after `timeoutMs`. */
  until(check: (all: DeviceEvent[]) => boolean, what = 'events', timeoutMs = 25_000): Promise<void> {
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

  of<K extends DeviceEvent['kind']>(kind: K): Of<K>[] {
    return this.all.filter((e): e is Of<K> => e.kind === kind);
  }

  count(kind: DeviceEvent['kind']): number {
    return this.of(kind).length;
  }

  /** Resolves once `n` events of `kind` have arrived. */
  atLeast(kind: DeviceEvent['kind'], n = 1, timeoutMs?: number): Promise<void> {
    return this.until(() => this.count(kind) >= n, `${n} ${kind}`, timeoutMs);
  }

  /** Resolves at the n-th link event with this state. */
  link(connected: boolean, nth = 1): Promise<void> {
    return this.until((all) => all.filter((e) => e.kind === 'link' && e.connected === connected).length >= nth, `link ${connected ? 'up' : 'down'} #${nth}`);
  }
}
