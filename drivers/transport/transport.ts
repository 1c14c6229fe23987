// A byte stream to and from one device: a serial port or a TCP connection to a serial device server.
// Transports reconnect by themselves with exponential backoff and jitter, and say so through `onLink`.

export interface LinkState { connected: boolean; error?: string }

export interface TransportHandlers {
  onData(chunk: Buffer): void;
  onLink(state: LinkState): void;
}

export interface Transport {
  /** Opens the link and keeps it open (reconnecting) until `stop()`. Resolves once the first attempt was made. */
  start(handlers: TransportHandlers): Promise<void>;
  write(data: Buffer | string): Promise<void>;
  /** Idempotent. */
  stop(): Promise<void>;
  readonly description: string;
}

export interface BackoffPolicy { initialMs: number; maxMs: number; factor: number; jitter: number }
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Delay before reconnect attempt `attempt` (0-based); `random` is injectable for tests. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, attempt));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}
