// The one backoff of the project: how long to wait before the next reconnect or retry. Transports,
// the Modbus connection and poll loop, and the MQTT publisher all use it. Pure and clock-free.
//
// The delay before attempt n (0-based) is initialMs × factor^n, capped at maxMs, then shortened at random
// by up to `jitter` of itself, so that gateways losing one broker (or one device server) do not all come
// back at the same instant, and no wait is ever longer than maxMs.

export interface BackoffPolicy {
  /** First delay, ms. */
  initialMs: number;
  /** Ceiling, ms: no delay is longer. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Fraction (0..1) of each delay that is randomised away: the delay lies in [(1 − jitter) d, d]. */
  jitter: number;
}

/** 250 ms doubling to 30 s, up to 20 % shorter at random. */
export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 250, maxMs: 30_000, factor: 2, jitter: 0.2 });

/** Delay before attempt `attempt` (0-based); `random` (in [0, 1)) is injectable for tests. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(base * (1 - jitter * random()));
}

export interface BackoffOptions extends Partial<BackoffPolicy> {
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

/** backoffDelay with its attempt counter: next() hands out the delays, reset() starts over after a success. */
export class Backoff {
  private readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private attempt = 0;

  /** Every field defaults to DEFAULT_BACKOFF's. */
  constructor(opts: BackoffOptions = {}) {
    this.policy = {
      initialMs: opts.initialMs ?? DEFAULT_BACKOFF.initialMs,
      maxMs: opts.maxMs ?? DEFAULT_BACKOFF.maxMs,
      factor: opts.factor ?? DEFAULT_BACKOFF.factor,
      jitter: opts.jitter ?? DEFAULT_BACKOFF.jitter,
    };
    this.random = opts.random ?? Math.random;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The next delay in ms; each call grows the base delay up to the ceiling. */
  next(): number {
    return backoffDelay(this.policy, this.attempt++, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }
}
