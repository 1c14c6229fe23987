// The sterilizer's daily release gate (standards §1.5, §1.4, WS 310.3): loads of a pre-vacuum
// sterilizer count only after a Bowie–Dick test passed today (local midnight), before the load's
// cycle started; optionally also an air-leak test. The latest test of each kind decides, so a
// failing test after a passing one closes the gate again. Pure.
import { localDate } from '../../vocabulary/local-day.js';
import { gatesOf, type ReleasePolicy } from './release-policy.js';
import type { ReasonCode } from './release-status.js';

/** A daily-test cycle of the device, as its own release state shows it. */
export interface DailyTest {
  kind: 'bowie-dick' | 'leak-test';
  cycleId: string | null;
  startedAt: number;
  endedAt: number;
  /** pending: a Bowie–Dick cycle whose indicator sheet is not read yet. */
  result: 'pass' | 'fail' | 'pending';
}

export type GateResult = { state: 'open' } | { state: 'waiting'; code: ReasonCode; reason: string } | { state: 'blocked'; code: ReasonCode; reason: string };

const NAME = { 'bowie-dick': 'Bowie–Dick test', 'leak-test': 'air-leak test' } as const;

function latest(tests: readonly DailyTest[], kind: DailyTest['kind']): DailyTest | undefined {
  let best: DailyTest | undefined;
  for (const t of tests) if (t.kind === kind && (!best || t.endedAt >= best.endedAt)) best = t;
  return best;
}

/** The gate for a load whose cycle started at `loadStartedAt` on `device`. */
export function dailyGate(policy: ReleasePolicy, device: string, loadStartedAt: number, tests: readonly DailyTest[]): GateResult {
  const gates = gatesOf(policy, device);
  if (!gates.bowieDick && !gates.leakTest) return { state: 'open' };
  const day = localDate(loadStartedAt, policy.timeZone);
  const today = tests.filter((t) => t.endedAt <= loadStartedAt && localDate(t.startedAt, policy.timeZone) === day);
  let waiting: GateResult | null = null;
  const kinds: DailyTest['kind'][] = [];
  if (gates.bowieDick) kinds.push('bowie-dick');
  if (gates.leakTest) kinds.push('leak-test');
  for (const kind of kinds) {
    const t = latest(today, kind);
    const missing: ReasonCode = kind === 'bowie-dick' ? 'bowie-dick-missing' : 'leak-test-missing';
    const failed: ReasonCode = kind === 'bowie-dick' ? 'bowie-dick-failed' : 'leak-test-failed';
    if (!t)
      return {
        state: 'blocked',
        code: missing,
        reason: `sterilizer not released: no ${NAME[kind]} on ${device} since local midnight (${day}, ${policy.timeZone}) before this cycle`,
      };
    if (t.result === 'fail')
      return {
        state: 'blocked',
        code: failed,
        reason: `sterilizer not released: the last ${NAME[kind]} of ${day} on ${device} failed (cycle ${t.cycleId ?? '?'})`,
      };
    if (t.result === 'pending')
      waiting = {
        state: 'waiting',
        code: 'bowie-dick-pending',
        reason: `waiting for the indicator sheet of today's ${NAME[kind]} on ${device} (cycle ${t.cycleId ?? '?'})`,
      };
  }
  return waiting ?? { state: 'open' };
}
