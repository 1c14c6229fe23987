// A device's line noise (gateway/device/line-noise.ts) on an injected clock: the day's sample is stored, the
// rest counted (and the count carried over a restart the same day, reset the next day), lines in a cycle are
// always stored, one alarm while the unparsed share is high and one when a quiet window passed.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OpenCycle } from '../../gateway/cycle/cycle-state.js';
import { LineNoise, NOISE_WINDOW_MS } from '../../gateway/device/line-noise.js';
import type { RawLineEvent } from '../../vocabulary/device-event.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const flush = () => new Promise<void>((r) => queueMicrotask(r));

function rig(samplePerDay: number, meta = new Map<string, string>()) {
  const stored: { line: string; inCycle: boolean }[] = [];
  const alarms: { code: string; extra: Record<string, unknown> }[] = [];
  const noise = new LineNoise({
    deviceId: 'AC-01',
    samplePerDay,
    timeZone: 'UTC',
    meta: () => ({ get: (k) => meta.get(k), set: (k, v) => void meta.set(k, v) }),
    store: (e, cycle) => stored.push({ line: e.line, inCycle: cycle !== null }),
    alarm: (code, _text, _ts, extra) => alarms.push({ code, extra }),
    log: pino({ level: 'silent' }),
  });
  const raw = (line: string, ts: number): RawLineEvent => ({ kind: 'raw', deviceId: 'AC-01', ts, line });
  /** One line as the parser reports it: the raw line, then a parse error when it did not parse. */
  const line = (text: string, ts: number, parsed: boolean, cycle: Readonly<OpenCycle> | null = null) => {
    noise.raw(raw(text, ts), cycle, ts);
    if (!parsed) noise.parseError(ts, true);
  };
  return { noise, stored, alarms, meta, line };
}

describe('line noise', () => {
  it('stores the day sample of noise, counts the rest, and always stores lines in a cycle and lines that parsed', async () => {
    const r = rig(3);
    for (let i = 0; i < 10; i++) r.line(`garbage ${i}`, T0 + i, false);
    r.line('\u0000\u0000\u0000', T0 + 20, true); // NULs: no parse error from the parser, still noise
    r.line('', T0 + 21, true); // blank: noise too
    r.line('08:00:00  STERILIZE  134.0  204.0', T0 + 22, true);
    r.line('junk in a cycle', T0 + 23, false, { cycleId: 'c1' } as OpenCycle);
    await flush();
    r.noise.settle(T0 + 30);
    expect(r.stored.map((s) => s.line)).toEqual(['garbage 0', 'garbage 1', 'garbage 2', '08:00:00  STERILIZE  134.0  204.0', 'junk in a cycle']);
    expect(r.noise.today(T0 + 30)).toMatchObject({ noiseLines: 12, stored: 3, dropped: 9, unparsed: 12 });
  });

  it('keeps the count across a restart the same day and starts again the next day', async () => {
    const meta = new Map<string, string>();
    const a = rig(2, meta);
    for (let i = 0; i < 5; i++) a.line(`x${i}`, T0 + i, false);
    a.noise.stop(T0 + 10);
    const b = rig(2, meta);
    b.line('y', T0 + 20, false);
    b.noise.settle(T0 + 21);
    expect(b.stored).toEqual([]); // the day's sample was used before the restart
    expect(b.noise.today(T0 + 21)).toMatchObject({ noiseLines: 6, stored: 2, dropped: 4 });
    const nextDay = T0 + 24 * 3600_000;
    b.line('z', nextDay, false);
    b.noise.settle(nextDay + 1);
    expect(b.stored.map((s) => s.line)).toEqual(['z']);
    expect(b.noise.today(nextDay + 1)).toMatchObject({ noiseLines: 1, stored: 1, dropped: 0 });
  });

  it('raises one alarm while most lines are unreadable and one when a quiet window passed', () => {
    const r = rig(0);
    // a healthy ticket with the odd bad line: no alarm
    for (let i = 0; i < 100; i++) r.line(`line ${i}`, T0 + i * 100, i % 10 !== 0);
    expect(r.alarms).toEqual([]);
    // a wrong baud rate: everything unreadable
    const t1 = T0 + 20_000;
    for (let i = 0; i < 200; i++) r.line(`#~${i}`, t1 + i * 10, false);
    expect(r.alarms.map((a) => a.code)).toEqual(['line-noise']);
    // still noisy a little later: no second alarm, no clear
    r.noise.tick(t1 + 10_000);
    for (let i = 0; i < 50; i++) r.line(`#~${i}`, t1 + 10_000 + i, false);
    r.noise.tick(t1 + 20_000);
    expect(r.alarms.map((a) => a.code)).toEqual(['line-noise']);
    // quiet for a window: cleared, once
    const t2 = t1 + 10_050 + NOISE_WINDOW_MS + 5_000;
    r.noise.tick(t2);
    r.noise.tick(t2 + 1000);
    expect(r.alarms.map((a) => a.code)).toEqual(['line-noise', 'line-noise-cleared']);
    expect(r.alarms[1]!.extra.noise).toMatchObject({ unparsed: 260 });
  });
});
