// The one way a test polls: check a condition every `stepMs` until it holds, or fail naming what it waited for
// after a generous ceiling (tests await what they need; they never sleep a fixed time). Waiting on a driver's
// events goes through Events.until (events.ts), which checks on every event instead of on a timer.

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves once `predicate` holds; rejects with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition', stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await delay(stepMs);
  }
}

/** `until` for a condition that must be fetched (an HTTP probe, a scrape): awaits `check` every `stepMs`. */
export async function untilAsync(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition', stepMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await delay(stepMs);
  }
}
