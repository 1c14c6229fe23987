// Awaiting a message that may already have come: the collectors of test/helpers (MQTT messages, service
// manager notifications) keep what they received and emit `message` for each new one.
import type { EventEmitter } from 'node:events';

/**
 * The first of `received` that matches, else the first `message` of `events` that matches; rejects with
 * the error `failure()` describes after `timeoutMs`.
 */
export function firstMessage<T>(
  events: EventEmitter<{ message: [T] }>,
  received: readonly T[],
  match: (m: T) => boolean,
  timeoutMs: number,
  failure: () => string,
): Promise<T> {
  const seen = received.find(match);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      events.off('message', on);
      reject(new Error(failure()));
    }, timeoutMs);
    const on = (m: T) => {
      if (!match(m)) return;
      clearTimeout(timer);
      events.off('message', on);
      resolve(m);
    };
    events.on('message', on);
  });
}
