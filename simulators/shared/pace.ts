// Real-time pacing for simulators. Time targets are `performance.now()` milliseconds (monotonic, immune
// to wall-clock steps); the simulated clock is derived from them by the caller.

import { setTimeout as delay } from 'node:timers/promises';

/** Waits until `performance.now() >= targetMs`. Resolves false if `signal` aborts first (or already has). */
export async function sleepUntil(targetMs: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  const waitMs = targetMs - performance.now();
  if (waitMs <= 0) return true;
  try {
    await delay(Math.ceil(waitMs), undefined, signal ? { signal } : {});
    return true;
  } catch (e) {
    if (signal?.aborted) return false;
    throw e;
  }
}
