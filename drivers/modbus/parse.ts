// Pure: one decoded poll (ModbusSnapshot) + what the previous polls showed -> DeviceEvents. No I/O,
// no clock (the receive time comes in), so every transition is unit-tested.
//
// Per poll, in this order: `cycle-start` (an active phase seen right after idle/an ended cycle, or a
// new cycle number), `phase` (on change), `alarm` (alarm register turns non-zero or changes; a stale
// sensor), `sample` (once per new device sample: the device clock advanced, or every poll without
// one), `cycle-end` (the result register turns ok/fault/aborted, else the phase falls back to idle).
// A start that was not seen (first poll, or after failed polls, with a cycle already running) gets no
// cycle-start: the gateway opens such a cycle as "start not seen". If the cycle number changed while
// polls failed, a cycle-start with startObserved: false supersedes the old cycle.
//
// Stale sensor: the same temperature on `staleAfter` consecutive new samples while the phase is one
// where it must move -> one `alarm` stale-sensor per episode, and that channel reads null (invalid)
// until the value changes, so data_complete fails for the span.

import type { DeviceEvent, SampleEvent } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';
import type { ModbusSnapshot, Reading } from './decode.js';
import type { DevicePhase, ResultMeaning } from './register-map.js';

export const DEFAULT_STALE_AFTER = 10;
export const DEFAULT_STALE_PHASES: readonly Phase[] = ['heating', 'sterilizing', 'disinfect'];
/** Device clocks outside [2000, 2100) are not believed; the gateway's receive time is used. */
const PLAUSIBLE_CLOCK: readonly [number, number] = [Date.UTC(2000, 0, 1), Date.UTC(2100, 0, 1)];

export interface ModbusEventOptions {
  deviceId: string;
  staleAfter: number;
  stalePhases: ReadonlySet<Phase>;
  /** Alarm register value -> text. */
  alarmTexts?: Readonly<Record<string, string>>;
}

interface StaleChannel {
  value: number | undefined;
  count: number;
  active: boolean;
}

export interface ModbusTrackState {
  /** The previous snapshot directly precedes the next one (no failed poll in between). */
  continuous: boolean;
  seen: boolean;
  inCycle: boolean;
  phase: DevicePhase | undefined;
  cycleNo: number | undefined;
  result: ResultMeaning | undefined;
  alarm: number;
  unknownPhaseCode: number | undefined;
  deviceTime: number | undefined;
  sampleTs: number | undefined;
  clockPlausible: boolean | undefined;
  stale: { temp: StaleChannel; temp2: StaleChannel };
}

/** Something worth one log line (the driver logs these; the events carry the data). */
export interface TrackNote {
  level: 'info' | 'warn';
  msg: string;
  data?: Record<string, unknown>;
}

export function initialTrackState(): ModbusTrackState {
  const channel = (): StaleChannel => ({ value: undefined, count: 0, active: false });
  return {
    continuous: false,
    seen: false,
    inCycle: false,
    phase: undefined,
    cycleNo: undefined,
    result: undefined,
    alarm: 0,
    unknownPhaseCode: undefined,
    deviceTime: undefined,
    sampleTs: undefined,
    clockPlausible: undefined,
    stale: { temp: channel(), temp2: channel() },
  };
}

/** A poll failed or the link dropped: the next snapshot does not directly follow the last one. */
export function markGap(state: ModbusTrackState): ModbusTrackState {
  return state.continuous ? { ...state, continuous: false } : state;
}

const ACTIVE_EXCLUDED: ReadonlySet<DevicePhase> = new Set<DevicePhase>(['idle', 'complete', 'fault']);
const isActive = (p: DevicePhase | undefined): boolean => p !== undefined && !ACTIVE_EXCLUDED.has(p);
const isFinal = (r: ResultMeaning | undefined): r is Exclude<ResultMeaning, 'running'> => r === 'ok' || r === 'aborted' || r === 'fault';

export function trackSnapshot(
  prev: ModbusTrackState,
  snap: ModbusSnapshot,
  recvTs: number,
  opts: ModbusEventOptions,
): { state: ModbusTrackState; events: DeviceEvent[]; notes: TrackNote[] } {
  const state: ModbusTrackState = { ...prev, stale: { temp: { ...prev.stale.temp }, temp2: { ...prev.stale.temp2 } } };
  const events: DeviceEvent[] = [];
  const notes: TrackNote[] = [];
  const deviceId = opts.deviceId;

  const clock = snap.deviceTimeMs;
  const plausible = clock !== undefined && clock >= PLAUSIBLE_CLOCK[0] && clock < PLAUSIBLE_CLOCK[1];
  if (clock !== undefined && plausible !== prev.clockPlausible) {
    notes.push(
      plausible
        ? { level: 'info', msg: 'device clock registers read a plausible time; samples carry the device time' }
        : { level: 'warn', msg: 'device clock registers read an implausible time; samples carry the gateway time', data: { deviceTimeMs: clock } },
    );
  }
  state.clockPlausible = clock === undefined ? undefined : plausible;
  const deviceTime = plausible ? clock : undefined;
  const ts = deviceTime ?? recvTs;
  const newSample = deviceTime === undefined ? prev.sampleTs === undefined || recvTs > prev.sampleTs : deviceTime !== prev.deviceTime;
  if (deviceTime !== undefined && prev.deviceTime !== undefined && deviceTime < prev.deviceTime) {
    notes.push({ level: 'warn', msg: 'device clock went back', data: { from: prev.deviceTime, to: deviceTime } });
  }

  const phase = snap.phase;
  if (phase === undefined && snap.phaseCode !== undefined) {
    if (prev.unknownPhaseCode !== snap.phaseCode) {
      events.push({ kind: 'parse-error', deviceId, ts: recvTs, raw: `phase register ${snap.phaseCode}`, reason: 'phase code not in the register map' });
      notes.push({ level: 'warn', msg: 'phase code not in the register map; the phase is unknown while it lasts', data: { phaseCode: snap.phaseCode } });
    }
    state.unknownPhaseCode = snap.phaseCode;
  } else {
    state.unknownPhaseCode = undefined;
  }

  // cycle-start
  const observed = prev.seen && prev.continuous;
  const cycleChanged = snap.cycleNo !== undefined && prev.cycleNo !== undefined && snap.cycleNo !== prev.cycleNo;
  if (isActive(phase)) {
    const start = (seen: boolean): void => {
      events.push({
        kind: 'cycle-start',
        deviceId,
        ts,
        ...(snap.programNo !== undefined && { programNo: snap.programNo }),
        ...(snap.cycleNo !== undefined && { cycleNo: snap.cycleNo }),
        ...(!seen && { startObserved: false as const }),
      });
    };
    if (observed && (!prev.inCycle || cycleChanged)) start(true);
    else if (!observed && cycleChanged) start(false);
    state.inCycle = true;
  }

  // phase
  if (phase !== undefined && phase !== 'idle' && phase !== prev.phase) events.push({ kind: 'phase', deviceId, ts, phase });

  // alarm register
  const alarm = snap.alarm ?? 0;
  if (alarm !== 0 && alarm !== prev.alarm) {
    const text = opts.alarmTexts?.[String(alarm)] ?? `device alarm ${alarm}`;
    events.push({ kind: 'alarm', deviceId, ts, code: String(alarm), text });
    notes.push({ level: 'warn', msg: 'device alarm', data: { code: alarm, text } });
  } else if (alarm === 0 && prev.alarm !== 0) {
    notes.push({ level: 'info', msg: 'device alarm cleared', data: { code: prev.alarm } });
  }
  state.alarm = alarm;

  // stale sensor, then the sample
  if (newSample) {
    const temp = staleCheck(state.stale.temp, snap.temp, phase, opts, 'temperature (reference sensor)', deviceId, ts, events, notes);
    const temp2 =
      snap.temp2 === undefined ? undefined : staleCheck(state.stale.temp2, snap.temp2, phase, opts, 'temperature (load probe)', deviceId, ts, events, notes);
    const sample: SampleEvent = { kind: 'sample', deviceId, ts, temp_c: temp };
    if (temp2 !== undefined) sample.temp2_c = temp2;
    if (snap.pressure !== undefined) sample.pressure_kpa = snap.pressure.ok ? snap.pressure.value : null;
    if (phase !== undefined && phase !== 'idle') sample.phase = phase;
    if (deviceTime !== undefined) sample.deviceTime = deviceTime;
    events.push(sample);
    state.sampleTs = ts;
    state.deviceTime = deviceTime;
  }

  // cycle-end
  if (state.inCycle) {
    const resultTurned = isFinal(snap.result) && snap.result !== prev.result && prev.seen;
    if (resultTurned) {
      events.push({
        kind: 'cycle-end',
        deviceId,
        ts,
        status: snap.result as Exclude<ResultMeaning, 'running'>,
        code: `result ${snap.resultCode ?? ''}`.trim(),
      });
      state.inCycle = false;
    } else if (phase === 'idle') {
      const last = prev.phase;
      const status = isFinal(snap.result) ? snap.result : last === 'complete' ? 'ok' : last === 'fault' ? 'fault' : 'aborted';
      events.push({ kind: 'cycle-end', deviceId, ts, status, code: 'idle', text: `the device went idle from phase ${last ?? 'unknown'}` });
      state.inCycle = false;
    }
  }

  state.seen = true;
  state.continuous = true;
  if (phase !== undefined) state.phase = phase;
  if (snap.cycleNo !== undefined) state.cycleNo = snap.cycleNo;
  if (snap.result !== undefined) state.result = snap.result;
  return { state, events, notes };
}

/** Updates one channel's stale detection (mutates `ch`); returns the value to report (null while stale or invalid). */
function staleCheck(
  ch: StaleChannel,
  reading: Reading,
  phase: DevicePhase | undefined,
  opts: ModbusEventOptions,
  what: string,
  deviceId: string,
  ts: number,
  events: DeviceEvent[],
  notes: TrackNote[],
): number | null {
  if (!reading.ok) {
    if (ch.active) notes.push({ level: 'info', msg: `${what} no longer stale (now invalid: ${reading.reason})` });
    Object.assign(ch, { value: undefined, count: 0, active: false });
    return null;
  }
  const judged = phase !== undefined && phase !== 'idle' && opts.stalePhases.has(phase);
  if (reading.value === ch.value) {
    if (judged || ch.active) ch.count++;
  } else {
    if (ch.active) notes.push({ level: 'info', msg: `${what} changing again after being stuck`, data: { was: ch.value, now: reading.value } });
    Object.assign(ch, { value: reading.value, count: judged ? 1 : 0, active: false });
  }
  if (!ch.active && judged && ch.count >= opts.staleAfter) {
    ch.active = true;
    const text = `${what} read ${reading.value} for ${ch.count} samples in a row in phase ${phase}: frozen register or failed sensor; its readings count as missing until it changes`;
    events.push({ kind: 'alarm', deviceId, ts, code: 'stale-sensor', text });
    notes.push({ level: 'warn', msg: 'stale sensor', data: { channel: what, value: reading.value, samples: ch.count, phase } });
  }
  return ch.active ? null : reading.value;
}
