// Programs as data (docs/verification.md): the temperatures, times and limits a cycle is verified against.
// Every number carries its source in reference/standards.md with its confidence tag:
// [C] confirmed, [P] partly confirmed, [U] unconfirmed. [P]/[U] numbers are exactly the ones a site
// may need to change, which is why programs are data and `mergeProgram` exists (config overrides).

import { GatewayError } from '../../vocabulary/errors.js';
import { criterionIds } from './criterion.js';

export type SteamKind = 'steam' | 'bowie-dick' | 'leak-test';
export type ProgramKind = SteamKind | 'washer';

export interface Equilibration {
  /** Max seconds from the drain reaching set temperature to the load probe reaching it. */
  limitS: number;
  /** The limit for large chambers. */
  largeLimitS: number;
  /** Chamber volume above which `largeLimitS` applies. */
  largeAboveLitres: number;
}

export interface SteamProgram {
  id: string;
  kind: SteamKind;
  title: string;
  /** Sterilization (set) temperature: the lower limit of the band. */
  setTempC: number;
  /** Band width above the set temperature. */
  bandK: number;
  /** Minimum continuous holding time. */
  minHoldS: number;
  equilibration: Equilibration;
  /** Max spread between temperature channels during the hold. */
  maxSensorSpreadK: number;
  /** Max |T_drain − T_sat(p_chamber)| over the plateau. */
  maxTsatDiffK: number;
  /** Max deviation of each temperature channel from its own mean over the hold (temp_stability). */
  maxFluctuationK: number;
  /** false: this site's machines have no chamber pressure output, so saturation cannot be measured and
   * saturated_steam is `null` (saying so) instead of failing. Absent = true: a steam cycle must prove it. */
  pressureChannel?: boolean;
  /** Bowie–Dick: the longest plateau allowed (over-exposure makes a failing sheet look uniform). */
  maxHoldS?: number;
  /** Longer intervals between samples are a hole in the record, not evidence. */
  maxGapS: number;
  /** Air-leakage test only: max rate of pressure rise over the measuring phase. */
  leakRateMaxKpaPerMin?: number;
  /** Air-leakage test only: minimum length of the measuring phase. */
  leakMeasureMinS?: number;
  /** Air-leakage test only: the measurement must start at or below this pressure (the lowest operating vacuum). */
  leakMaxStartKpa?: number;
  /** Air-leakage test only: minimum length of the 'leak-stabilize' phase right before the measurement. */
  leakStabilizeMinS?: number;
  /** Criteria that must be proven (pass true) for a pass verdict: a `null` (not provable, e.g. from a
   * summary ticket) becomes `false` for these. Default none. */
  requireProof?: string[];
}

export interface WasherProgram {
  id: string;
  kind: 'washer';
  title: string;
  /** Minimum A0 (s) accumulated in the disinfection stage: one route to a disinfected load. */
  a0Min: number;
  /** Disinfection temperature: lower limit of the disinfection band. */
  disinfectTempC: number;
  disinfectBandK: number;
  /** Minimum continuous time at or above `disinfectTempC`: the other route (time at temperature). */
  disinfectMinS: number;
  /** A0 is only accumulated at or above this temperature. */
  a0ThresholdC: number;
  /** Prewash water must stay below this (protein coagulation). */
  prewashMaxC: number;
  maxGapS: number;
  /** As for steam programs: criteria whose `null` fails the verdict. */
  requireProof?: string[];
}

export type Program = SteamProgram | WasherProgram;

export function isWasherProgram(p: Program): p is WasherProgram {
  return p.kind === 'washer';
}

// S5 [C]: ≤ 15 s for chambers ≤ 800 l, ≤ 30 s above (HTM 2010 Pt 3 §13.14 c).
const EQUILIBRATION: Equilibration = { limitS: 15, largeLimitS: 30, largeAboveLitres: 800 };

// §6.1 [U]: printers and Modbus polls sample every 1–2 s. 5 s tolerates one lost sample at 2 s
// but not a hole long enough to hide an excursion (at 134 °C steam heats ~0.3 K/s on heat-up).
const MAX_GAP_S = 5;

function steam(id: string, title: string, setTempC: number, minHoldS: number, kind: SteamKind = 'steam'): SteamProgram {
  return {
    id,
    kind,
    title,
    setTempC,
    bandK: 3, // S1/S2 [P]: band = set … set + 3 K (EN 285 / HTM 2010; WS 310.3 "+3 °C" [U])
    minHoldS,
    equilibration: { ...EQUILIBRATION },
    maxSensorSpreadK: 2, // S7 [P]: spread between sensors ≤ 2 K during the plateau
    maxTsatDiffK: 2, // S6 [U]: |T − T_sat(p)| ≤ 2 K, both directions
    maxFluctuationK: 1, // S7 [P]: each sensor within ±1 K of its own mean during the plateau (EN 285 / HTM 2010)
    maxGapS: MAX_GAP_S,
  };
}

// Washer numbers: standards.md §3.2 (WS 310.2 table [U], A0 arithmetic [C]) gives two equivalent
// routes per class: ≥ 90 °C for ≥ 5 min or A0 ≥ 3000; ≥ 90 °C for ≥ 1 min or A0 ≥ 600. ISO 15883-1
// 4.3.1 [C]: disinfection is achieved by the minimum temperature for the minimum time *or* the equivalent
// A0. The verifier takes either route (washer-criteria.ts): A0 ≥ a0Min with no channel above the band, or
// disinfectMinS continuously at ≥ disinfectTempC. The golden trace washer-a0-3000-pass.csv crosses 65 °C
// at t=1089 s, reaches 90.05 °C at t=1197 s and holds 90.05–91.19 °C (mean 90.8) until the stage ends at
// t=1499 s: 302 s ≥ 300 s. A0 = 3808 (expected ≈ 3815): ≈ 3618 from those 302 s, ≈ 190 from the heat-up
// above 65 °C. That is the 90 °C / 5 min / A0 3000 pair, so washer-a0-3000 = {90 °C, 300 s, 3000};
// washer-a0-600 is the same machine profile with 90 °C / 1 min / A0 600. A cycle at 80 °C for 10 min or at
// 93 °C for 2.5 min passes on its A0 alone.
function washer(id: string, title: string, a0Min: number, disinfectTempC: number, disinfectMinS: number): WasherProgram {
  return {
    id,
    kind: 'washer',
    title,
    a0Min, // W2 [C]/[P]: 600 instruments sterilized afterwards, 3000 used without sterilization
    disinfectTempC,
    disinfectBandK: 5, // §3.3 [U]: band −0/+5 K (HTM 2030 practice)
    disinfectMinS,
    a0ThresholdC: 65, // W1 [C]: A0 only accumulates while T ≥ 65 °C
    prewashMaxC: 45, // W3 [P]: prewash < 45 °C
    maxGapS: MAX_GAP_S,
  };
}

function deepFreeze<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}

const PRESET_LIST: Program[] = [
  // S3 [P]: 4 min at 134 °C is the WS 310.2 pre-vacuum / US 132–134 °C routine (EN 285 minimum: 3 min [C]).
  steam('steam-134-4', 'Steam 134 °C, 4 min (porous/instruments)', 134, 240),
  // S4 [P]: 18 min at 134 °C, prion / extended program.
  steam('steam-134-18', 'Steam 134 °C, 18 min (prion)', 134, 1080),
  // §1.2 [P]: WS 310.2 gravity/instruments 121 °C 20 min.
  steam('steam-121-20', 'Steam 121 °C, 20 min', 121, 1200),
  // S3 [C]: 121 °C, 15 min minimum (CSC table 10.2).
  steam('steam-121-15', 'Steam 121 °C, 15 min', 121, 900),
  {
    // S10 [C]: Bowie–Dick test cycle 134 °C, 3.5 min (US 3.5–4 min); passes only with the indicator sheet
    // result. The hold is also capped: over-exposure makes a failing sheet look uniform, so a plateau
    // longer than 4 min (the top of the S10 range) fails.
    ...steam('bowie-dick-134', 'Bowie–Dick test 134 °C, 3.5 min', 134, 210, 'bowie-dick'),
    maxHoldS: 240,
  },
  {
    // S9 [C]: pressure rise ≤ 0.13 kPa/min; §1.4 [P]: evacuate to the lowest operating vacuum (40–70 mbar
    // abs, so ≤ 7 kPa), stabilise ~5 min with the valves closed, then measure over 10 min.
    // No plateau: set/band/hold are carried for a uniform shape but no temperature criterion runs.
    ...steam('leak-test', 'Air-leakage (vacuum) test', 134, 0, 'leak-test'),
    leakRateMaxKpaPerMin: 0.13,
    leakMeasureMinS: 600,
    leakMaxStartKpa: 7,
    leakStabilizeMinS: 300,
  },
  washer('washer-a0-600', 'Washer-disinfector, A0 ≥ 600 or 90 °C for 1 min', 600, 90, 60),
  washer('washer-a0-3000', 'Washer-disinfector, A0 ≥ 3000 or 90 °C for 5 min', 3000, 90, 300),
];

/** The built-in programs by id (frozen). */
export const PRESETS: Readonly<Record<string, Readonly<Program>>> = deepFreeze(Object.fromEntries(PRESET_LIST.map((p) => [p.id, p])));

/** A built-in program, or undefined for an unknown id. */
/** The program ids the gateway knows without a site config: the presets. */
export function knownProgramIds(): ReadonlySet<string> {
  return new Set(Object.keys(PRESETS));
}

export function getProgram(id: string): Readonly<Program> | undefined {
  return Object.hasOwn(PRESETS, id) ? PRESETS[id] : undefined;
}

/** The numeric fields a site may override, per program family (also what a config schema accepts). */
export const STEAM_OVERRIDE_KEYS = [
  'title',
  'setTempC',
  'bandK',
  'minHoldS',
  'equilibration',
  'maxSensorSpreadK',
  'maxTsatDiffK',
  'maxFluctuationK',
  'pressureChannel',
  'maxHoldS',
  'maxGapS',
  'leakRateMaxKpaPerMin',
  'leakMeasureMinS',
  'leakMaxStartKpa',
  'leakStabilizeMinS',
  'requireProof',
] as const;
export const WASHER_OVERRIDE_KEYS = [
  'title',
  'a0Min',
  'disinfectTempC',
  'disinfectBandK',
  'disinfectMinS',
  'a0ThresholdC',
  'prewashMaxC',
  'maxGapS',
  'requireProof',
] as const;

/** A site override: `id` names the program; a new id needs `base`, the program it starts from. */
export type ProgramOverride = { id: string; base?: string } & Partial<
  Omit<SteamProgram, 'id' | 'kind' | 'equilibration'> & Omit<WasherProgram, 'id' | 'kind'>
> & { equilibration?: Partial<Equilibration> };

export class ProgramError extends GatewayError {
  readonly problems: string[];
  constructor(message: string, problems: string[]) {
    super('verify.program', message, { problems });
    this.name = 'ProgramError';
    this.problems = problems;
  }
}

/** Problems with a program's numbers as `field: expected …, found …`; empty when usable. */
export function programProblems(p: Program): string[] {
  const out: string[] = [];
  const check = (field: string, v: unknown, min: number, strict: boolean, optional = false): void => {
    if (v === undefined && optional) return;
    const ok = typeof v === 'number' && Number.isFinite(v) && (strict ? v > min : v >= min);
    if (!ok) out.push(`${field}: expected a number ${strict ? '>' : '≥'} ${min}, found ${JSON.stringify(v)}`);
  };
  if (typeof p.id !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(p.id)) out.push(`id: expected [A-Za-z0-9_.-]+, found ${JSON.stringify(p.id)}`);
  check('maxGapS', p.maxGapS, 0, true);
  if (p.requireProof !== undefined) {
    const ids = criterionIds(p.kind === 'washer' ? 'washer' : p.kind);
    for (const id of Array.isArray(p.requireProof) ? p.requireProof : [p.requireProof]) {
      if (!(ids as readonly string[]).includes(id))
        out.push(`requireProof: expected criterion ids of ${p.kind} programs (${ids.join(', ')}), found ${JSON.stringify(id)}`);
    }
  }
  if (p.kind === 'washer') {
    check('a0Min', p.a0Min, 0, false);
    check('disinfectTempC', p.disinfectTempC, 0, true);
    check('disinfectBandK', p.disinfectBandK, 0, true);
    check('disinfectMinS', p.disinfectMinS, 0, false);
    check('a0ThresholdC', p.a0ThresholdC, 0, true);
    check('prewashMaxC', p.prewashMaxC, 0, true);
  } else {
    check('setTempC', p.setTempC, 0, true);
    check('bandK', p.bandK, 0, true);
    check('minHoldS', p.minHoldS, 0, false);
    check('equilibration.limitS', p.equilibration?.limitS, 0, false);
    check('equilibration.largeLimitS', p.equilibration?.largeLimitS, 0, false);
    check('equilibration.largeAboveLitres', p.equilibration?.largeAboveLitres, 0, false);
    check('maxSensorSpreadK', p.maxSensorSpreadK, 0, true);
    check('maxTsatDiffK', p.maxTsatDiffK, 0, true);
    check('maxFluctuationK', p.maxFluctuationK, 0, true);
    if (p.pressureChannel !== undefined && typeof p.pressureChannel !== 'boolean') {
      out.push(`pressureChannel: expected true or false, found ${JSON.stringify(p.pressureChannel)}`);
    }
    check('maxHoldS', p.maxHoldS, 0, false, true);
    if (typeof p.maxHoldS === 'number' && typeof p.minHoldS === 'number' && p.maxHoldS < p.minHoldS) {
      out.push(`maxHoldS: expected a number ≥ minHoldS (${p.minHoldS}), found ${p.maxHoldS}`);
    }
    check('leakRateMaxKpaPerMin', p.leakRateMaxKpaPerMin, 0, true, p.kind !== 'leak-test');
    check('leakMeasureMinS', p.leakMeasureMinS, 0, false, true);
    check('leakMaxStartKpa', p.leakMaxStartKpa, 0, true, true);
    check('leakStabilizeMinS', p.leakStabilizeMinS, 0, false, true);
  }
  return out;
}

/** `base` with a site override applied. Throws ProgramError listing every problem. */
export function mergeProgram(base: Readonly<Program>, override: ProgramOverride): Program {
  const allowed: readonly string[] = base.kind === 'washer' ? WASHER_OVERRIDE_KEYS : STEAM_OVERRIDE_KEYS;
  const problems: string[] = [];
  const merged: Record<string, unknown> = structuredClone(base) as unknown as Record<string, unknown>;
  merged.id = override.id;
  for (const [key, value] of Object.entries(override)) {
    if (key === 'id' || key === 'base' || value === undefined) continue;
    if (!allowed.includes(key)) {
      problems.push(`${key}: not a setting of ${base.kind} programs (allowed: ${allowed.join(', ')})`);
    } else if (key === 'equilibration') {
      merged.equilibration = { ...(merged.equilibration as Equilibration), ...(value as Partial<Equilibration>) };
    } else {
      merged[key] = value;
    }
  }
  const program = merged as unknown as Program;
  problems.push(...programProblems(program));
  if (problems.length) throw new ProgramError(`program ${override.id}: ${problems.join('; ')}`, problems);
  return program;
}

/** The presets with site overrides applied, by id. Unknown ids need a `base`. */
export function resolvePrograms(
  overrides: readonly ProgramOverride[] = [],
  presets: Readonly<Record<string, Readonly<Program>>> = PRESETS,
): Record<string, Program> {
  const out: Record<string, Program> = Object.fromEntries(Object.entries(presets).map(([id, p]) => [id, structuredClone(p) as Program]));
  for (const o of overrides) {
    const base = (Object.hasOwn(out, o.id) ? out[o.id] : undefined) ?? (o.base !== undefined && Object.hasOwn(out, o.base) ? out[o.base] : undefined);
    if (!base) {
      const why = o.base === undefined ? 'is not a preset; name one in `base` to start from' : `base ${o.base} is not a known program`;
      throw new ProgramError(`program ${o.id}: ${why}`, [`${o.id}: ${why}`]);
    }
    out[o.id] = mergeProgram(base, o);
  }
  return out;
}
