// When Modbus devices are polled: on a grid shared by every driver of a gateway. A device with poll
// interval P and offset O is polled at O + k·P (performance.now() milliseconds, k whole), whenever it
// started, and every device due at one instant is woken by ONE timer. A wake-up of the event loop is
// what a poll costs most on a small machine (docs/performance.md "CPU"): 16 devices on 16 timers that
// drift a millisecond apart wake it 16 times a second, on one shared instant once.

export class PollClock {
  private readonly due = new Map<number, { timer: NodeJS.Timeout; waiters: Set<() => void> }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The first grid instant of (pollMs, offsetMs) at or after `at`. */
  static gridAtOrAfter(at: number, pollMs: number, offsetMs: number): number {
    return offsetMs + Math.ceil((at - offsetMs) / pollMs) * pollMs;
  }

  /** Resolves true at `at` (rounded up to a whole millisecond, so devices due together share a timer),
   * or false as soon as `signal` aborts. */
  wait(at: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    const key = Math.ceil(at);
    if (key <= this.now()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let slot = this.due.get(key);
      if (slot === undefined) {
        const waiters = new Set<() => void>();
        const timer = setTimeout(() => {
          this.due.delete(key);
          for (const w of waiters) w();
        }, key - this.now());
        slot = { timer, waiters };
        this.due.set(key, slot);
      }
      const held = slot;
      const onAbort = (): void => {
        held.waiters.delete(wake);
        if (held.waiters.size === 0 && this.due.get(key) === held) {
          clearTimeout(held.timer);
          this.due.delete(key);
        }
        resolve(false);
      };
      const wake = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      held.waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Timers pending (distinct instants), for tests. */
  get pending(): number {
    return this.due.size;
  }
}
