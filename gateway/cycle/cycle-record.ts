// Builds the body of a `cycle` record (docs/mqtt.md): program, cycle number, phases, statistics, criteria,
// verdict, the full curve, and the digests binding it to the raw samples and the raw device text.

import type { SummaryEvent } from '../../vocabulary/device-event.js';
import type { CycleTrace, Program, TraceSample, VerificationResult } from '../verify/index.js';
import type { FinishedCycle, TrackedSample } from './cycle-state.js';
import type { ProgramChoice } from './program-choice.js';

export interface ChainBinding {
  /** The device's sample chain head when the cycle closed. */
  sampleChain: { seq: number; hash: string };
  raw: { lines: number; sha256: string };
}

const iso = (ms: number) => new Date(ms).toISOString();
const round = (x: number | null | undefined, d: number): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d;

/**
 * The trace the verifier sees: seconds from the cycle's first sample, in acquisition order. Two lines printed
 * in the same second are both kept, in the order they arrived (the sort is stable): an excursion on the
 * second one is judged like any other reading (the verifier accepts two readings per instant).
 */
export function traceOf(c: FinishedCycle, chamberLitres: number | undefined): CycleTrace {
  const sorted = [...c.samples].sort((a, b) => a.ts - b.ts);
  const t0 = sorted[0]?.ts ?? c.startedAt;
  const samples: TraceSample[] = [];
  for (const s of sorted) {
    const t = (s.ts - t0) / 1000;
    const x: TraceSample = { t, temp_c: s.temp_c };
    if (s.temp2_c !== undefined) x.temp2_c = s.temp2_c;
    if (s.pressure_kpa !== undefined) x.pressure_kpa = s.pressure_kpa;
    if (s.phase !== undefined) x.phase = s.phase;
    samples.push(x);
  }
  const trace: CycleTrace = { samples };
  if (c.endStatus) trace.deviceResult = c.endStatus;
  if (chamberLitres !== undefined) trace.chamberLitres = chamberLitres;
  return trace;
}

/** Facts the trace cannot show that make the record fail: added as details to data_complete/device_result. */
export function applyGatewayFindings(result: VerificationResult, c: FinishedCycle): VerificationResult {
  const stepBack = clockStepBack(c);
  const criteria = result.criteria.map((cr) => {
    if (cr.id === 'data_complete' && stepBack) {
      return {
        ...cr,
        pass: false,
        detail: `${cr.detail}; the device clock went back ${stepBack.seconds} s at ${new Date(stepBack.at).toISOString()}: the curve's time axis cannot be trusted`,
      };
    }
    if (cr.id === 'data_complete' && !c.startSeen) {
      return { ...cr, pass: false, detail: `${cr.detail}; the ticket header was not received (gateway started mid-cycle)` };
    }
    if (cr.id === 'device_result' && c.endReason !== 'device') {
      const why =
        c.endReason === 'idle-timeout'
          ? 'the device went silent before reporting a result'
          : c.endReason === 'shutdown'
            ? 'the gateway closed the cycle before the device reported a result'
            : 'a new cycle started before this one reported a result';
      return { ...cr, pass: false, detail: cr.pass === false ? `${why}; ${cr.detail}` : why };
    }
    if (cr.id === 'device_result' && c.endInferred) {
      // The stream prints no result; its end was read from the flag and a silence. A power loss in drying
      // looks the same as a finished cycle, so even phases that end in `complete` (inferred too) prove nothing.
      const why =
        'the device prints no result: the cycle end was inferred from its stream (flag fell, then silence), and a power loss in drying looks the same, so completion is not proven';
      return { ...cr, pass: false, detail: cr.pass === false ? `${cr.detail}; ${why}` : why };
    }
    return cr;
  });
  const verdict = criteria.some((cr) => cr.pass === false) ? 'fail' : 'pass';
  return { ...result, criteria, verdict };
}

/** The first time the device's clock went backwards between samples, in the order they arrived. */
export function clockStepBack(c: FinishedCycle): { at: number; seconds: number } | null {
  for (let i = 1; i < c.samples.length; i++) {
    const prev = (c.samples[i - 1] as TrackedSample).ts;
    const cur = (c.samples[i] as TrackedSample).ts;
    if (cur < prev) return { at: cur, seconds: Math.round((prev - cur) / 1000) };
  }
  return null;
}

/** Which clock a cycle record's times are on: the device's own (printed ticket times, Modbus clock) or
 * the gateway's receive times. */
export type TimeBase = 'device' | 'gateway';

export interface CycleTimes {
  timeBase: TimeBase;
  startedAt: number;
  endedAt: number;
  /** Gateway receive times of the cycle's start and end (always the gateway's clock). */
  receivedStartedAt: number;
  receivedEndedAt: number;
  /** Device clock minus gateway clock at the start, seconds (null: no device clock). */
  deviceOffsetS: number | null;
}

/**
 * One clock for a record's start and end. The device's clock when it is plausible: the device reported its
 * own times (samples with a device clock, or a printed start), they did not run backwards within the cycle,
 * and its start is not after its end; being hours off the gateway's is plausible (a machine whose clock is
 * set wrong prints its wrong times consistently; the offset is in the record and the clock-drift alarm).
 * Otherwise the gateway's receive times, for both.
 */
export function cycleTimes(c: FinishedCycle): CycleTimes {
  const receivedStartedAt = c.receivedStartedAt ?? c.startedAt;
  const receivedEndedAt = c.receivedEndedAt ?? c.lastRecvTs;
  let first = Infinity;
  let last = -Infinity;
  for (const s of c.samples) {
    if (s.ts < first) first = s.ts;
    if (s.ts > last) last = s.ts;
  }
  const sampled = c.deviceClock === true && c.samples.length > 0;
  const deviceStart = c.deviceStartedAt !== undefined ? (sampled ? Math.min(c.deviceStartedAt, first) : c.deviceStartedAt) : sampled ? first : undefined;
  // The device's end: its result (stamped with its own time) or, when it printed none, its last sample.
  const deviceEnd = c.endReason === 'device' ? (sampled ? Math.max(c.endedAt, last) : c.endedAt) : sampled ? last : undefined;
  const plausible = deviceStart !== undefined && deviceEnd !== undefined && deviceStart <= deviceEnd && clockStepBack(c) === null;
  const deviceOffsetS = deviceStart === undefined ? null : Math.round((deviceStart - receivedStartedAt) / 1000);
  return plausible
    ? { timeBase: 'device', startedAt: deviceStart, endedAt: deviceEnd, receivedStartedAt, receivedEndedAt, deviceOffsetS }
    : {
        timeBase: 'gateway',
        startedAt: receivedStartedAt,
        endedAt: Math.max(receivedStartedAt, receivedEndedAt),
        receivedStartedAt,
        receivedEndedAt,
        deviceOffsetS,
      };
}

/** A result for a cycle whose program the gateway does not know: nothing can be verified, so it fails. */
export function unverifiable(choice: ProgramChoice, trace: CycleTrace): VerificationResult {
  const detail = choice.id ? `program "${choice.id}" is not known to this gateway` : 'the device reported no program and the config sets none';
  return {
    verdict: 'fail',
    program: choice.id ?? 'unknown',
    hold: null,
    criteria: [{ id: 'device_result', pass: false, measured: null, limit: null, unit: '', detail }],
    stats: {
      samples: trace.samples.length,
      durationS: trace.samples.at(-1)?.t ?? 0,
      maxGapS: null,
      tempMinC: null,
      tempMaxC: null,
      pressureMinKpa: null,
      pressureMaxKpa: null,
      plateauMinC: null,
      plateauMaxC: null,
      phases: [],
      phaseSeconds: {},
    },
  };
}

export function cycleBody(opts: {
  cycle: FinishedCycle;
  deviceType: string;
  choice: ProgramChoice;
  program: Readonly<Program> | undefined;
  trace: CycleTrace;
  result: VerificationResult;
  binding: ChainBinding;
  /** The load contents the workflow closed at cycle start (null: none scanned, or no workflow). */
  load?: unknown;
}): Record<string, unknown> {
  const { cycle: c, trace, result } = opts;
  let t0 = c.samples.length ? Infinity : c.startedAt;
  for (const s of c.samples) if (s.ts < t0) t0 = s.ts; // no spread: a runaway cycle may hold many samples
  const hasT2 = trace.samples.some((s) => s.temp2_c !== undefined && s.temp2_c !== null);
  const curve: Record<string, unknown> = {
    t0: iso(t0),
    t_s: trace.samples.map((s) => round(s.t, 3)),
    temp_c: trace.samples.map((s) => round(s.temp_c, 2)),
    pressure_kpa: trace.samples.map((s) => round(s.pressure_kpa, 2)),
  };
  if (hasT2) curve.temp2_c = trace.samples.map((s) => round(s.temp2_c, 2));
  const times = cycleTimes(c);
  return {
    cycleId: c.cycleId,
    // Also in the envelope; kept in the body so an exported or forwarded body stands on its own.
    device: c.deviceId,
    deviceType: opts.deviceType,
    program: opts.choice.id ?? null,
    programSource: opts.choice.source,
    programNo: c.programNo ?? null,
    programTitle: opts.program?.title ?? null,
    cycleNo: c.cycleNo ?? null,
    startedAt: iso(times.startedAt),
    endedAt: iso(times.endedAt),
    receivedStartedAt: iso(times.receivedStartedAt),
    receivedEndedAt: iso(times.receivedEndedAt),
    deviceClockOffsetS: times.deviceOffsetS,
    end: { reason: c.endReason, status: c.endStatus ?? null, code: c.endCode ?? null, text: c.endText ?? null },
    headerSeen: c.startSeen,
    basis: c.samples.length === 0 && c.summary ? 'summary' : 'samples',
    machineSummary: c.summary ? machineSummaryOf(c.summary) : null,
    info: c.info,
    verdict: result.verdict,
    criteria: result.criteria,
    hold: result.hold,
    stats: result.stats,
    phases: c.phases.map((p) => ({ phase: p.phase, start: iso(p.ts), t_s: round((p.ts - t0) / 1000, 3), ...(p.label ? { label: p.label } : {}) })),
    alarms: c.alarms.map((a) => ({ ts: iso(a.ts), code: a.code, text: a.text })),
    interruptions: c.interruptions.map((i) => ({
      resumedAt: iso(i.resumedAt),
      lastSampleAt: i.lastSampleTs === null ? null : iso(i.lastSampleTs),
      reason: i.reason,
    })),
    curve,
    samples: { count: c.samples.length, chainSeq: opts.binding.sampleChain.seq, chainHash: opts.binding.sampleChain.hash },
    raw: opts.binding.raw,
    load: opts.load ?? { items: [], indicators: [] },
    // Which clock startedAt, endedAt and the acquisition times are on; the gateway's clock quality joins it.
    clock: { timeBase: times.timeBase },
  };
}

/** The machine's summary as the record keeps it: its claims, in ISO times, without the event envelope. */
function machineSummaryOf(s: SummaryEvent): Record<string, unknown> {
  const { kind: _kind, deviceId: _device, ts, startTs, ...claims } = s;
  return { ...claims, at: iso(ts), ...(startTs !== undefined ? { startedAt: iso(startTs) } : {}) };
}
