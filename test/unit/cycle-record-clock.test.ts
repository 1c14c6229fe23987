// One clock per cycle record (issue 10): a ticket whose header prints no start time used to get the
// gateway's receive time as startedAt while endedAt and the curve were the device's printed times, so a
// device clock hours behind gave startedAt after endedAt. The printed ticket goes through the real parser
// and the cycle tracker here, with the gateway's clock given in, and the record's times are checked.
import { describe, expect, it } from 'vitest';
import { initialParserState, PREVAC_TICKET, parsePrinterLine } from '../../drivers/printer-line/index.js';
import { cycleBody, cycleTimes, traceOf } from '../../gateway/cycle/cycle-record.js';
import type { FinishedCycle } from '../../gateway/cycle/cycle-state.js';
import { CycleTracker } from '../../gateway/cycle/cycle-tracker.js';
import { getProgram, verifyCycle } from '../../gateway/verify/index.js';

const UTC = 0;
const TICKET_DATE = '2026-03-02';
/** The gateway's clock: 14:00 UTC, while the machine's clock says 09:00 (five hours behind). */
const GATEWAY_T0 = Date.parse(`${TICKET_DATE}T14:00:00Z`);

function ticket(): string[] {
  const lines = ['==== STERILIZER SZ-03  PROG 1: 134C INSTR ====', `CYCLE NO: 000042 DATE: ${TICKET_DATE}`, 'OPERATOR: 0127'];
  const at = (s: number) => new Date(Date.parse(`${TICKET_DATE}T09:00:00Z`) + s * 1000).toISOString().slice(11, 19);
  for (let s = 0; s <= 120; s += 10) {
    const label = s === 0 ? 'STERILIZE' : s === 100 ? 'DRYING' : '';
    lines.push(`${at(s)}  ${label.padEnd(14)}${(s < 100 ? 134.5 : 110).toFixed(1).padStart(7)}${(s < 100 ? 203.0 : -80).toFixed(1).padStart(10)}`);
  }
  lines.push('RESULT: CYCLE OK');
  return lines;
}

function run(lines: string[], gatewayStart: number): FinishedCycle {
  const tracker = new CycleTracker({ deviceId: 'AC-01', idleTimeoutMs: 600_000, newId: () => 'c-1' });
  let state = initialParserState();
  const finished: FinishedCycle[] = [];
  lines.forEach((line, i) => {
    const now = gatewayStart + i * 10_000; // the gateway receives a line every 10 s, as the machine prints them
    const r = parsePrinterLine(state, line, { deviceId: 'AC-01', recvTs: now, atmosphericKpa: 101.325, profile: PREVAC_TICKET, tzOffsetMinutes: UTC });
    state = r.state;
    for (const e of r.events) {
      if (e.kind === 'parse-error' || e.kind === 'link' || e.kind === 'scan' || e.kind.startsWith('bi-')) continue;
      for (const ch of tracker.handle(e, now)) if (ch.kind === 'finished') finished.push(ch.cycle);
    }
  });
  expect(finished).toHaveLength(1);
  return finished[0] as FinishedCycle;
}

describe('the clock of a cycle record', () => {
  it('puts startedAt and endedAt on the device clock, hours off, with the receive times alongside', () => {
    const c = run(ticket(), GATEWAY_T0);
    const times = cycleTimes(c);
    expect(times.timeBase).toBe('device');
    expect(new Date(times.startedAt).toISOString()).toBe(`${TICKET_DATE}T09:00:00.000Z`);
    expect(new Date(times.endedAt).toISOString()).toBe(`${TICKET_DATE}T09:02:00.000Z`);
    expect(times.startedAt).toBeLessThanOrEqual(times.endedAt);
    expect(times.receivedStartedAt).toBe(GATEWAY_T0 + 30_000); // the first line after the header released the cycle-start
    expect(times.receivedEndedAt).toBe(GATEWAY_T0 + 16 * 10_000);
    expect(times.deviceOffsetS).toBe(-5 * 3600 - 30);

    const body = cycleBody({
      cycle: c,
      deviceType: 'steam-sterilizer',
      choice: { id: 'steam-134-4', source: 'device', program: getProgram('steam-134-4') },
      program: getProgram('steam-134-4'),
      trace: traceOf(c, undefined),
      result: verifyCycle(traceOf(c, undefined), getProgram('steam-134-4')!),
      binding: { sampleChain: { seq: 1, hash: 'h' }, raw: { lines: 0, sha256: 'x' } },
    });
    expect(body).toMatchObject({
      startedAt: `${TICKET_DATE}T09:00:00.000Z`,
      endedAt: `${TICKET_DATE}T09:02:00.000Z`,
      receivedStartedAt: new Date(GATEWAY_T0 + 30_000).toISOString(),
      receivedEndedAt: new Date(GATEWAY_T0 + 160_000).toISOString(),
      deviceClockOffsetS: -18030,
      clock: { timeBase: 'device' },
    });
    expect((body.curve as { t0: string }).t0).toBe(body.startedAt); // the curve is on the same clock
    expect(Date.parse(body.startedAt as string)).toBeLessThanOrEqual(Date.parse(body.endedAt as string));
  });

  it("uses the gateway's receive times for both when the device clock ran backwards in the cycle", () => {
    const lines = ticket();
    const stepped = lines.map((l) => (l.startsWith('09:01:') ? l.replace('09:01:', '08:01:') : l)); // the clock is set back an hour mid-cycle
    const times = cycleTimes(run(stepped, GATEWAY_T0));
    expect(times.timeBase).toBe('gateway');
    expect(times.startedAt).toBe(GATEWAY_T0 + 30_000);
    expect(times.endedAt).toBe(GATEWAY_T0 + 160_000);
  });
});
