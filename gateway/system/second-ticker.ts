// One timer a second for everything in the gateway that checks something every second (each device's
// idle and noise clocks, the load workflow's clocks). A timer of its own per device woke the event loop
// once per device a second, which on a small machine costs more than the polls themselves
// (docs/performance.md "CPU"). The tick falls TICK_PHASE_MS after the whole seconds of performance.now(), on
// which the Modbus poll clock (drivers/modbus/poll-clock.ts) puts its first slot, so that this work never
// delays a poll burst's telemetry. The store writes its sample batches at the same phase (store/flusher.ts).

export type TickHandler = (now: number) => void;

/** Where in each second the ticks fall (ms after the whole seconds of performance.now()): between the Modbus
 * poll slots, which fall on multiples of 1000/slots ms (device-link.ts pollSpread; 560 is clear of them for 1 to 6 slots and of 8). */
export const TICK_PHASE_MS = 560;

/** Milliseconds from `now` to the next instant `phaseMs` after a whole multiple of `periodMs` (performance.now() time). */
export function msUntilPhase(phaseMs: number, periodMs: number, now: number = performance.now()): number {
  const d = (((phaseMs - now) % periodMs) + periodMs) % periodMs;
  return d === 0 ? periodMs : d;
}

export class SecondTicker {
  private readonly handlers = new Set<TickHandler>();
  private starter: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly wallNow: () => number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Calls `handler(wallNow())` every second until the returned function is called. */
  add(handler: TickHandler): () => void {
    this.handlers.add(handler);
    this.ensureRunning();
    return () => {
      this.handlers.delete(handler);
      if (this.handlers.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.starter) clearTimeout(this.starter);
    if (this.timer) clearInterval(this.timer);
    this.starter = this.timer = null;
  }

  private ensureRunning(): void {
    if (this.starter || this.timer) return;
    // Never keeps the process alive on its own.
    this.starter = setTimeout(
      () => {
        this.starter = null;
        this.timer = setInterval(() => this.tick(), 1000);
        this.timer.unref();
        this.tick();
      },
      msUntilPhase(TICK_PHASE_MS, 1000),
    );
    this.starter.unref();
  }

  private tick(): void {
    const now = this.wallNow();
    for (const h of this.handlers) {
      try {
        h(now);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
