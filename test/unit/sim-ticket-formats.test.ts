// The autoclave simulator's printer-line formats (`profile`): every format parses clean with its profile,
// the GB18030 bytes are what iconv makes of the text, and each fault shows where the format can show it:
// verified from the samples (tickets, AMSCO stream) or from the machine's summary (SciCan).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PRINTER_PROFILES } from '../../drivers/printer-line/index.js';
import { LineFramer } from '../../drivers/transport/line-framer.js';
import { type CycleTrace, getProgram, type SteamProgram, verifyCycle, verifySummary } from '../../gateway/verify/index.js';
import { encodeGb18030 } from '../../simulators/shared/gb18030.js';
import { type AutoclaveCyclePlan, autoclaveCyclePlans, resolveAutoclaveSettings } from '../../simulators/steam/autoclave-schedule.js';
import { AUTOCLAVE_SIM_PROFILES, ticketFormat } from '../../simulators/steam/ticket-formats.js';
import type { DeviceEvent, SummaryEvent } from '../../vocabulary/device-event.js';
import { feeder, ofKind } from '../helpers/printer-line.js';
import { NOT_PROVABLE_FROM_SUMMARY } from '../helpers/verify.js';

const START = Date.UTC(2025, 2, 14, 7, 2, 11);

function plan(profile: string, program = 'steam-134-4', fault?: string, seed = 4): AutoclaveCyclePlan {
  const gen = autoclaveCyclePlans(resolveAutoclaveSettings({ program, profile, seed, startTime: START, ...(fault ? { fault } : {}) }));
  return gen.next().value;
}

/** The plan's bytes through the framer and parser of the same-named built-in profile, ticked once after. */
function parse(p: AutoclaveCyclePlan, profileName: string): DeviceEvent[] {
  const profile = BUILTIN_PRINTER_PROFILES[profileName];
  if (!profile) throw new Error(profileName);
  const framer = new LineFramer({ encoding: profile.encoding });
  const f = feeder(profile, { tzOffsetMinutes: undefined });
  let recv = START;
  for (const chunk of p.chunks) {
    recv = START + chunk.atS * 1000 + 200;
    for (const item of framer.push(chunk.data)) if (item.kind === 'line') f.line(item.text, recv);
  }
  f.tick(recv + 3_600_000);
  return f.events;
}

/** The first cycle's samples as the verifier reads them; an inferred end is no device result. */
function traceOf(events: DeviceEvent[]): CycleTrace {
  const samples = ofKind(events, 'sample');
  const t0 = samples[0]?.ts ?? 0;
  const end = ofKind(events, 'cycle-end')[0];
  return {
    samples: samples.map((s) => ({
      t: (s.ts - t0) / 1000,
      temp_c: s.temp_c,
      ...(s.temp2_c !== undefined && { temp2_c: s.temp2_c }),
      ...(s.pressure_kpa !== undefined && { pressure_kpa: s.pressure_kpa }),
      ...(s.phase !== undefined && { phase: s.phase }),
    })),
    ...(end && !end.inferred && { deviceResult: end.status }),
  };
}

const failing = (events: DeviceEvent[], program = 'steam-134-4'): string[] =>
  verifyCycle(traceOf(events), getProgram(program) as SteamProgram)
    .criteria.filter((c) => c.pass === false)
    .map((c) => c.id);

describe('every simulator format parses clean with its profile', () => {
  const programs = ['steam-134-4', 'steam-121-20', 'bowie-dick-134', 'leak-test'];
  it.each(AUTOCLAVE_SIM_PROFILES.flatMap((profile) => programs.map((program) => [profile, program] as const)))('%s, %s', (profile, program) => {
    const events = parse(plan(profile, program), profile);
    expect(ofKind(events, 'parse-error')).toEqual([]);
    expect(ofKind(events, 'cycle-start')).toHaveLength(1);
    expect(ofKind(events, 'cycle-end')).toHaveLength(1);
  });

  it.each(['prevac-ticket', 'prevac-ticket-zh'].flatMap((profile) => programs.map((program) => [profile, program] as const)))(
    "%s, %s: a fault-free cycle passes the gateway's verifier (leak test stabilised and evacuated, Bowie–Dick hold ≤ 4 min)",
    (profile, program) => {
      expect(failing(parse(plan(profile, program), profile), program)).toEqual([]);
    },
  );

  it('unknown profiles are refused, naming the valid ones', () => {
    expect(() => resolveAutoclaveSettings({ program: 'steam-134-4', profile: 'amsco' })).toThrow(
      /unknown autoclave profile 'amsco'; valid profiles: prevac-ticket, prevac-ticket-zh, amsco-ls, amsco-ls-metric, scican-summary/,
    );
  });

  it('the default is still the prevac-ticket, byte for byte', () => {
    const a = plan('prevac-ticket');
    const gen = autoclaveCyclePlans(resolveAutoclaveSettings({ program: 'steam-134-4', seed: 4, startTime: START }));
    expect(Buffer.concat(gen.next().value.chunks.map((c) => c.data)).equals(Buffer.concat(a.chunks.map((c) => c.data)))).toBe(true);
  });
});

describe('prevac-ticket-zh bytes', () => {
  it('are GB18030 as iconv writes it', () => {
    const p = plan('prevac-ticket-zh', 'steam-134-4', 'abort');
    const text = p.lines.map((l) => `${l.text}\r\n`).join('');
    const bytes = Buffer.concat(p.chunks.map((c) => c.data));
    expect(bytes.equals(execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text }))).toBe(true);
    expect(text).toContain('报警 E23: 蒸汽供应');
    expect(p.lines[0]?.text).toBe('==== 灭菌器编号 SIM-AC01  程序 1: 134℃ 器械 ====');
  });

  it('refuses a character it cannot encode in two bytes', () => {
    expect(() => encodeGb18030('😀')).toThrow(/U\+1F600/);
    expect(ticketFormat('prevac-ticket-zh').encode('abc\r\n').toString('latin1')).toBe('abc\r\n');
  });
});

describe("faults through the sample formats, verified by the gateway's verifier", () => {
  const cases: [string, string[]][] = [
    ['none', []],
    ['short-hold', ['hold_time']],
    ['air', ['saturated_steam']],
    ['superheat', ['saturated_steam']],
    ['overshoot', ['temp_band']],
    ['dropout', ['data_complete']],
  ];
  for (const profile of ['prevac-ticket-zh', 'amsco-ls', 'amsco-ls-metric']) {
    // The AMSCO stream prints no result and its samples end after the flag falls (exhaust): a good cycle and a
    // power loss in drying look the same, so device_result fails on every AMSCO cycle (docs/devices.md).
    const always = profile.startsWith('amsco') ? ['device_result'] : [];
    it.each(cases)(`${profile}: %s fails %j`, (fault, expected) => {
      const failed = failing(parse(plan(profile, 'steam-134-4', fault === 'none' ? undefined : fault), profile));
      for (const id of [...expected, ...always]) expect(failed).toContain(id);
      if (expected.length === 0) expect(failed).toEqual(always);
    });
  }

  it('abort: the zh ticket says 中止 (device_result); the AMSCO stream only shows the hold cut short', () => {
    expect(failing(parse(plan('prevac-ticket-zh', 'steam-134-4', 'abort'), 'prevac-ticket-zh'))).toContain('device_result');
    const amsco = parse(plan('amsco-ls', 'steam-134-4', 'abort'), 'amsco-ls');
    expect(failing(amsco)).toContain('hold_time');
    expect(ofKind(amsco, 'cycle-end')).toMatchObject([{ inferred: true }]);
  });

  it('the AMSCO load probe lags the chamber within the equilibration and agreement limits of a good cycle', () => {
    const r = verifyCycle(traceOf(parse(plan('amsco-ls'), 'amsco-ls')), getProgram('steam-134-4') as SteamProgram);
    expect(r.criteria.find((c) => c.id === 'equilibration_time')).toMatchObject({ pass: true });
    expect(r.criteria.find((c) => c.id === 'sensor_agreement')).toMatchObject({ pass: true });
    expect(r.criteria.find((c) => c.id === 'device_result')?.detail).toMatch(/ends in phase exhaust/);
  });
});

describe('faults on the SciCan summary ticket (gateway/verify/verify-summary.ts)', () => {
  const judge = (fault?: string): Record<string, boolean | null> => {
    const events = parse(plan('scican-summary', 'steam-134-4', fault), 'scican-summary');
    const summary = ofKind(events, 'summary')[0] as SummaryEvent;
    const end = ofKind(events, 'cycle-end')[0];
    return Object.fromEntries(verifySummary(summary, getProgram('steam-134-4') as SteamProgram, end?.status).criteria.map((c) => [c.id, c.pass]));
  };

  it('a good cycle proves temp_band, saturated_steam and device_result; the rest is not provable', () => {
    expect(judge()).toEqual({
      hold_time: null,
      temp_band: true,
      saturated_steam: true,
      ...NOT_PROVABLE_FROM_SUMMARY,
      device_result: true,
    });
  });

  it('short-hold: sterilizing to drying start is shorter than the minimum hold', () => {
    expect(judge('short-hold').hold_time).toBe(false);
  });

  it('superheat and air: min/max pressure inconsistent with T_sat of min/max temperature', () => {
    expect(judge('superheat').saturated_steam).toBe(false);
    expect(judge('air').saturated_steam).not.toBe(true);
  });

  it('overshoot: the max is above the band', () => {
    expect(judge('overshoot').temp_band).toBe(false);
  });

  it('abort: the device result', () => {
    expect(judge('abort').device_result).toBe(false);
  });

  it('dropout cannot show on a summary: it looks like a good cycle', () => {
    expect(judge('dropout').temp_band).toBe(true);
  });
});
