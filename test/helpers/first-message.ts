// Awaiting a message that may already have come: the collectors of test/helpers (MQTT messages, the tap's
// packets, service manager notifications) keep what they received and emit an event for each new one.

/** Subscribes `on` to the new messages; returns the unsubscribe. */
export type Subscribe<T> = (on: (m: T) => void) => () => void;

/**
 * The first of `received` that matches, else the first new message that matches; rejects with the error
 * `failure()` describes after `timeoutMs`.
 */
export function firstMessage<T>(
  received: readonly T[],
  subscribe: Subscribe<T>,
  match: (m: T) => boolean,
  timeoutMs: number,
  failure: () => string,
): Promise<T> {
  const seen = received.find(match);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const unsubscribe = subscribe((m) => {
      if (!match(m)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(m);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(failure()));
    }, timeoutMs);
  });
}
