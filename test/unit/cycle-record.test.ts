import { describe, expect, it } from 'vitest';
import { cycleTraceCsv } from '../../gateway/cycle/cycle-csv.js';
import { applyGatewayFindings, cycleBody, traceOf } from '../../gateway/cycle/cycle-record.js';
import type { FinishedCycle, TrackedSample } from '../../gateway/cycle/cycle-state.js';
import { getProgram, parseTraceFile, verifyCycle } from '../../gateway/verify/index.js';
import { psatKpa } from '../../gateway/verify/steam-table.js';

function cycle(samples: TrackedSample[], over: Partial<FinishedCycle> = {}): FinishedCycle {
  return {
    cycleId: 'c',
    deviceId: 'AC-01',
    startedAt: samples[0]?.ts ?? 0,
    startSeen: true,
    info: {},
    phases: [],
    samples,
    alarms: [],
    interruptions: [],
    lastRecvTs: 0,
    endedAt: samples.at(-1)?.ts ?? 0,
    endReason: 'device',
    endStatus: 'ok',
    ...over,
  };
}
const good = (t0: number): TrackedSample[] =>
  Array.from({ length: 400 }, (_, t) => {
    const temp = t < 60 ? 100 + t * 0.5 : t < 330 ? 134.6 : 120;
    return { ts: t0 + t * 1000, temp_c: temp, pressure_kpa: psatKpa(temp), phase: t < 60 ? 'heating' : t < 330 ? 'sterilizing' : 'exhaust' };
  });
const judge = (c: FinishedCycle) => applyGatewayFindings(verifyCycle(traceOf(c, undefined), getProgram('steam-134-4')!), c);

describe('what the gateway adds to the verifier', () => {
  it('passes a good cycle as the verifier does', () => {
    expect(judge(cycle(good(1e12))).verdict).toBe('pass');
  });

  it('fails data_complete when the device clock went backwards mid-cycle (sorting would hide it)', () => {
    const s = good(1e12);
    // the machine's clock is set back 100 s during the plateau: the same samples, a broken time axis
    const stepped = s.map((x, i) => (i >= 200 ? { ...x, ts: x.ts - 100_000 } : x));
    const r = judge(cycle(stepped));
    const dc = r.criteria.find((c) => c.id === 'data_complete');
    expect(dc?.pass).toBe(false);
    expect(dc?.detail).toMatch(/device clock went back 99 s at /);
    expect(r.verdict).toBe('fail');
  });

  it('fails a cycle whose start was not seen, and one that ended without a device result', () => {
    expect(judge(cycle(good(1e12), { startSeen: false })).criteria.find((c) => c.id === 'data_complete')?.pass).toBe(false);
    const idle = judge(cycle(good(1e12), { endReason: 'idle-timeout', endStatus: undefined }));
    expect(idle.criteria.find((c) => c.id === 'device_result')).toMatchObject({ pass: false });
    expect(idle.criteria.find((c) => c.id === 'device_result')?.detail).toMatch(/^the device went silent before reporting a result; .*ends in phase exhaust/);
  });

  it('keeps both readings printed in the same second: an excursion on the second line is judged', () => {
    const s = good(1e12);
    const at = s.findIndex((x) => x.ts === 1e12 + 200_000);
    const twice = [...s.slice(0, at + 1), { ...(s[at] as TrackedSample), temp_c: 133.1, pressure_kpa: psatKpa(133.1) }, ...s.slice(at + 1)];
    const trace = traceOf(cycle(twice), undefined);
    expect(trace.samples.filter((x) => x.t === 200).map((x) => x.temp_c)).toEqual([134.6, 133.1]);
    const r = judge(cycle(twice));
    expect(r.criteria.find((c) => c.id === 'temp_band')).toMatchObject({ pass: false });
    expect(r.verdict).toBe('fail');
  });

  it('an end inferred from the stream (flag fell, then silence) is not a completed cycle', () => {
    // the AMSCO-like stream: the last phase the samples show is exhaust, no result line
    const r = judge(cycle(good(1e12), { endStatus: undefined, endInferred: true }));
    const dr = r.criteria.find((c) => c.id === 'device_result');
    expect(dr?.pass).toBe(false);
    expect(dr?.detail).toMatch(/inferred/);
    expect(dr?.detail).toMatch(/power loss/);
    // even a stream whose inferred phases end in `complete` does not prove the device finished
    const completeLast = good(1e12).map((x, i, all) => (i === all.length - 1 ? { ...x, phase: 'complete' as const } : x));
    expect(judge(cycle(completeLast, { endStatus: undefined, endInferred: true })).criteria.find((c) => c.id === 'device_result')?.pass).toBe(false);
  });

  it("an exported cycle re-verifies to the gateway's verdict, criterion by criterion: the device result travels in the file", () => {
    const program = getProgram('steam-134-4')!;
    // heating, sterilizing, exhaust, complete, with two readings in one second (an excursion on the second)
    const samples: TrackedSample[] = [...good(1e12), { ts: 1e12 + 400_000, temp_c: 100, pressure_kpa: 101, phase: 'complete' }];
    samples.splice(201, 0, { ...(samples[200] as TrackedSample), temp_c: 137.4, pressure_kpa: psatKpa(137.4) });
    const phases = samples.filter((x, i) => i === 0 || x.phase !== samples[i - 1]?.phase).map((x) => ({ phase: x.phase!, ts: x.ts }));
    for (const endStatus of ['ok', 'aborted', 'fault', undefined] as const) {
      const c = cycle(samples, { phases, ...(endStatus ? { endStatus } : { endStatus: undefined }) });
      const trace = traceOf(c, undefined);
      const result = applyGatewayFindings(verifyCycle(trace, program), c);
      const body = cycleBody({
        cycle: c,
        deviceType: 'steam-sterilizer',
        choice: { program, id: program.id, source: 'config-default' },
        program,
        trace,
        result,
        binding: { sampleChain: { seq: 1, hash: 'h' }, raw: { lines: 0, sha256: 's' } },
      });
      const file = parseTraceFile(cycleTraceCsv(body, ['record seq 1']));
      const again = verifyCycle({ samples: file.samples, ...(file.deviceResult ? { deviceResult: file.deviceResult } : {}) }, program);
      expect(
        again.criteria.map((x) => [x.id, x.pass]),
        String(endStatus),
      ).toEqual(result.criteria.map((x) => [x.id, x.pass]));
      expect(again.verdict).toBe(result.verdict);
    }
  });
});
