// Time in hold, live, from telemetry: the continuous seconds a running cycle has spent in its
// program's band during the phase that counts (steam: 'sterilizing', [setTempC, setTempC + bandK] on
// every channel; washer: 'disinfect', coldest channel ≥ disinfectTempC). It mirrors how the verifier
// (gateway/verify) judges a finished trace, so the number on screen is the one the record will carry,
// as far as QoS 0 telemetry shows it: a gap longer than the program's maxGapS restarts the run. Pure.
import { getProgram, type Program } from './programs.js';

export interface HoldSpec {
  program: string;
  phase: 'sterilizing' | 'disinfect';
  lo: number;
  hi: number;
  /** Washer: judge the coldest channel against `lo` only. Steam: every channel within [lo, hi]. */
  coldestOnly: boolean;
  requiredS: number;
  maxGapS: number;
}

/** The hold rule of a known program, or null (unknown program, or one without a hold: leak test).
 * `catalog`: the site's programs (the gateway's own page); default the presets (a remote `watch`). */
export function holdSpecOf(programId: string | null, catalog?: Readonly<Record<string, Readonly<Program>>>): HoldSpec | null {
  if (!programId) return null;
  const p = catalog ? (Object.hasOwn(catalog, programId) ? catalog[programId] : undefined) : getProgram(programId);
  if (!p) return null;
  if (p.kind === 'washer') {
    return {
      program: p.id,
      phase: 'disinfect',
      lo: p.disinfectTempC,
      hi: Number.POSITIVE_INFINITY,
      coldestOnly: true,
      requiredS: p.disinfectMinS,
      maxGapS: p.maxGapS,
    };
  }
  if (p.kind === 'leak-test' || p.minHoldS <= 0) return null;
  return { program: p.id, phase: 'sterilizing', lo: p.setTempC, hi: p.setTempC + p.bandK, coldestOnly: false, requiredS: p.minHoldS, maxGapS: p.maxGapS };
}

export interface HoldReading {
  /** While in the hold phase: the current run (0 when out of band); afterwards: the longest run. */
  seconds: number;
  requiredS: number;
  /** The last sample was in the hold phase. */
  inPhase: boolean;
  /** The last sample was in the hold phase and in band. */
  inBand: boolean;
}

export class HoldMeter {
  private runStart: number | null = null;
  private lastOk: number | null = null;
  private lastTs = Number.NEGATIVE_INFINITY;
  private current = 0;
  private best = 0;
  private inPhase = false;
  private inBand = false;
  /** Once a cycle shows a load probe, a sample without it does not prove the band (as in the verifier). */
  private hasProbe = false;

  constructor(readonly spec: HoldSpec) {}

  /** Feeds one sample (device time in ms); samples out of time order are ignored. */
  add(ts: number, phase: string | null, temp_c: number | null, temp2_c: number | null): void {
    if (!(ts > this.lastTs)) return;
    this.lastTs = ts;
    if (temp2_c !== null) this.hasProbe = true;
    this.inPhase = phase === this.spec.phase;
    this.inBand = this.inPhase && this.inRange(temp_c, temp2_c);
    if (!this.inBand) {
      this.runStart = null;
      this.current = 0;
      return;
    }
    if (this.runStart === null || this.lastOk === null || ts - this.lastOk > this.spec.maxGapS * 1000) this.runStart = ts;
    this.lastOk = ts;
    this.current = (ts - this.runStart) / 1000;
    if (this.current > this.best) this.best = this.current;
  }

  reading(): HoldReading {
    return { seconds: this.inPhase ? this.current : this.best, requiredS: this.spec.requiredS, inPhase: this.inPhase, inBand: this.inBand };
  }

  private inRange(t1: number | null, t2: number | null): boolean {
    const { lo, hi, coldestOnly } = this.spec;
    if (t1 === null) return false;
    if (this.hasProbe && t2 === null) return false;
    const channels = t2 === null ? [t1] : [t1, t2];
    if (coldestOnly) return Math.min(...channels) >= lo;
    return channels.every((t) => t >= lo && t <= hi);
  }
}
