// What `sterilink watch` knows: every MQTT message folded into gateways and their devices (link,
// state, last telemetry, the running cycle's curve and time in hold, the last verdicts). Pure: no I/O,
// no clock; the only times are the ones in the payloads, so the same messages give the same model.
// Anything that does not parse is counted and reported, never thrown.

import {
  type CycleNo,
  type CycleRecordPayload,
  type Parsed,
  parseJson,
  readCycleRecord,
  readState,
  readStatus,
  readTelemetry,
  type StatePayload,
  type StatusPayload,
  type TelemetryPayload,
} from '../../gateway/publish/payload-readers.js';
import { HoldMeter, holdSpecOf } from '../../gateway/verify/hold-meter.js';
import { CurveBuffer } from './curve-buffer.js';
import { parseWatchTopic } from './topic.js';

export interface GatewayEntry extends Partial<Omit<StatusPayload, 'online'>> {
  key: string;
  site: string;
  gateway: string;
  /** null until a status message arrived. */
  online: boolean | null;
}

export interface CycleEntry {
  cycleNo: CycleNo | null;
  /** Device time of the first and last sample, ms. */
  startTs: number;
  lastTs: number;
  running: boolean;
  /** Its cycle record arrived: the cycle is over, even if a late sample still names its last phase. */
  recorded: boolean;
  /** Drain temperature, bounded (see CurveBuffer). */
  curve: CurveBuffer;
  hold: HoldMeter | null;
}

export type Verdict = Omit<CycleRecordPayload, 'device'>;

export interface DeviceEntry {
  key: string;
  site: string;
  gateway: string;
  id: string;
  state: StatePayload | null;
  telemetry: TelemetryPayload | null;
  /** The running cycle, or the last one until the next starts. */
  cycle: CycleEntry | null;
  /** Newest first, at most `verdictsPerDevice`, one per record id. */
  verdicts: Verdict[];
  /** Model clock (message count) of the last sample of a running cycle: picks the chart's device. */
  activeAt: number;
  /** Model clock of the last state and of the last telemetry: the newer says the phase. */
  stateAt: number;
  telemetryAt: number;
}

export type Link = 'up' | 'down' | 'offline' | 'unknown';

export interface HoldView {
  /** Seconds in hold (see HoldReading), or null before any sample of a cycle with a known program. */
  seconds: number | null;
  requiredS: number | null;
  inPhase: boolean;
  inBand: boolean;
}

export type WatchUpdate =
  | { kind: 'status'; topic: string; gateway: GatewayEntry }
  | { kind: 'state' | 'telemetry'; topic: string; device: DeviceEntry }
  | { kind: 'verdict'; topic: string; device: DeviceEntry; verdict: Verdict; duplicate: boolean }
  | { kind: 'cleared'; topic: string }
  | { kind: 'invalid'; topic: string; reason: string }
  | { kind: 'ignored'; topic: string; reason: string };

export interface WatchStats {
  messages: number;
  invalid: number;
  ignored: number;
  lastInvalid: { topic: string; reason: string } | null;
}

export interface ModelOptions {
  verdictsPerDevice?: number;
  curveCapacity?: number;
  /** Entries beyond these are ignored (a flood of made-up ids must not exhaust memory). */
  maxDevices?: number;
  maxGateways?: number;
}

/** Phases after which a device is not in a cycle. */
const IDLE_PHASES = new Set(['idle', 'complete']);

function inCycle(t: TelemetryPayload): boolean {
  return t.phase === null ? t.cycleNo !== null : !IDLE_PHASES.has(t.phase);
}

const decoder = new TextDecoder();

export class WatchModel {
  readonly stats: WatchStats = { messages: 0, invalid: 0, ignored: 0, lastInvalid: null };
  private readonly gatewayMap = new Map<string, GatewayEntry>();
  private readonly deviceMap = new Map<string, DeviceEntry>();
  private readonly opts: Required<ModelOptions>;

  constructor(opts: ModelOptions = {}) {
    this.opts = { verdictsPerDevice: 5, curveCapacity: 600, maxDevices: 2000, maxGateways: 500, ...opts };
  }

  /** Folds one message in; says what changed. Never throws for any topic or payload. */
  apply(topic: string, payload: string | Uint8Array): WatchUpdate {
    this.stats.messages++;
    const t = parseWatchTopic(topic);
    if (!t || t.kind === 'other') return this.ignore(topic, 'not a topic watch shows');
    if (t.kind === 'records' && t.recordType !== 'cycle') return this.ignore(topic, 'not a cycle record');
    const text = typeof payload === 'string' ? payload : decoder.decode(payload);
    const json = parseJson(text);
    const gwKey = `${t.site}/${t.gateway}`;
    if (json === undefined) {
      if (t.kind === 'status') this.gatewayMap.delete(gwKey);
      else if (t.kind === 'state') this.clearState(`${gwKey}/${t.device}`);
      else return this.ignore(topic, 'empty payload');
      return { kind: 'cleared', topic };
    }
    if (!json.ok) return this.invalid(topic, json.reason);
    switch (t.kind) {
      case 'status': {
        const s = readStatus(json.value);
        if (!s.ok) return this.invalid(topic, s.reason);
        const g = this.gatewayEntry(t.site, t.gateway);
        if (!g) return this.ignore(topic, 'too many gateways');
        Object.assign(g, s.value);
        return { kind: 'status', topic, gateway: g };
      }
      case 'state':
        return this.devicePayload(topic, t, readState(json.value), (d, v) => this.onState(d, v));
      case 'telemetry':
        return this.devicePayload(topic, t, readTelemetry(json.value), (d, v) => this.onTelemetry(d, v));
      case 'records': {
        const r = readCycleRecord(json.value);
        if (!r.ok) return this.invalid(topic, r.reason);
        const d = this.deviceEntry(t.site, t.gateway, r.value.device);
        if (!d) return this.ignore(topic, 'too many devices');
        const { device: _device, ...verdict } = r.value;
        const duplicate = !this.addVerdict(d, verdict);
        return { kind: 'verdict', topic, device: d, verdict, duplicate };
      }
    }
  }

  /** Gateways seen, ordered by site then gateway. */
  gateways(): GatewayEntry[] {
    return [...this.gatewayMap.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Devices seen, ordered by site, gateway, id: rows keep their place while the view updates. */
  devices(): DeviceEntry[] {
    return [...this.deviceMap.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  gatewayOf(d: DeviceEntry): GatewayEntry | undefined {
    return this.gatewayMap.get(`${d.site}/${d.gateway}`);
  }

  /** The device's link as far as the broker knows: its gateway's status, then the device state. */
  linkOf(d: DeviceEntry): Link {
    if (this.gatewayOf(d)?.online === false) return 'offline';
    if (!d.state) return 'unknown';
    return d.state.connected ? 'up' : 'down';
  }

  /** Drain temperature minus saturation temperature at chamber pressure (K), from the last sample. */
  tsatDiffK(d: DeviceEntry): number | null {
    const t = d.telemetry;
    if (!t || t.temp_c === null || t.tsat_c === null) return null;
    return Math.round((t.temp_c - t.tsat_c) * 100) / 100;
  }

  /** Phase and cycle number from whichever arrived last: the state (on changes) or a sample. */
  currentOf(d: DeviceEntry): { phase: string | null; cycleNo: CycleNo | null } {
    const t = d.telemetry;
    const s = d.state;
    if (t && (!s || d.telemetryAt > d.stateAt)) return { phase: t.phase, cycleNo: t.cycleNo };
    return { phase: s?.phase ?? null, cycleNo: s?.cycleNo ?? null };
  }

  /** The hold of the cycle running now; none between cycles (the last cycle's hold is in its verdict). */
  holdOf(d: DeviceEntry): HoldView {
    const c = d.cycle;
    const now = this.currentOf(d);
    const sameCycle = now.cycleNo === null || c?.cycleNo === null || c?.cycleNo === undefined || String(now.cycleNo) === String(c.cycleNo);
    const meter = c?.running && sameCycle ? c.hold : null;
    if (meter) return { ...meter.reading() };
    const spec = holdSpecOf(d.state?.program ?? null);
    return { seconds: null, requiredS: spec?.requiredS ?? null, inPhase: false, inBand: false };
  }

  /** The chart's device: the one asked for (by id or site/gateway/id), else the latest to run a cycle. */
  chartDevice(wanted?: string): DeviceEntry | null {
    const all = this.devices();
    if (wanted) return all.find((d) => d.id === wanted || d.key === wanted || `${d.gateway}/${d.id}` === wanted) ?? null;
    let best: DeviceEntry | null = null;
    for (const d of all) {
      if (!d.cycle || d.cycle.curve.length === 0) continue;
      if (!best || Number(d.cycle.running) > Number(best.cycle!.running) || (d.cycle.running === best.cycle!.running && d.activeAt > best.activeAt)) best = d;
    }
    return best;
  }

  private onState(d: DeviceEntry, s: StatePayload): void {
    d.state = s;
    d.stateAt = this.stats.messages;
    const c = d.cycle;
    // The program is announced in the state; a running cycle that had none (or another) now gets its meter.
    if (c?.running && s.program && c.hold?.spec.program !== s.program) {
      const spec = holdSpecOf(s.program);
      c.hold = spec ? new HoldMeter(spec) : null;
    }
  }

  private onTelemetry(d: DeviceEntry, t: TelemetryPayload): void {
    d.telemetry = t;
    d.telemetryAt = this.stats.messages;
    let c = d.cycle;
    if (inCycle(t)) {
      const another = t.cycleNo !== null && c?.cycleNo !== null && c?.cycleNo !== undefined && String(c.cycleNo) !== String(t.cycleNo);
      const trailing = c?.recorded === true && !another; // a sample of a cycle already recorded
      if (trailing) return;
      if (!c || !c.running || another) {
        const spec = holdSpecOf(d.state?.program ?? null);
        c = {
          cycleNo: t.cycleNo,
          startTs: t.ts,
          lastTs: t.ts,
          running: true,
          recorded: false,
          curve: new CurveBuffer(this.opts.curveCapacity),
          hold: spec ? new HoldMeter(spec) : null,
        };
        d.cycle = c;
      }
      if (t.ts < c.lastTs) return; // QoS 0 telemetry arrives in order from one gateway; an older sample is a replayed stray
      c.cycleNo ??= t.cycleNo;
      c.lastTs = t.ts;
      if (t.temp_c !== null) c.curve.add(t.ts, t.temp_c);
      c.hold?.add(t.ts, t.phase, t.temp_c, t.temp2_c);
      d.activeAt = this.stats.messages;
    } else if (c?.running) {
      c.running = false;
      c.hold?.add(t.ts, t.phase, t.temp_c, t.temp2_c);
    }
  }

  /** False when the record was already there (a replay or a redelivery). */
  private addVerdict(d: DeviceEntry, v: Verdict): boolean {
    if (d.verdicts.some((x) => x.id === v.id)) return false;
    const newer = (a: Verdict, b: Verdict): boolean => {
      if (a.seq !== null && b.seq !== null) return a.seq > b.seq;
      if (a.ts !== null && b.ts !== null) return a.ts > b.ts;
      return true; // unordered: the later arrival counts as newer
    };
    // The record of the running cycle: that cycle is over, whatever phase the last sample said.
    const c = d.cycle;
    if (c && c.cycleNo !== null && v.cycleNo !== null && String(c.cycleNo) === String(v.cycleNo)) {
      c.running = false;
      c.recorded = true;
    }
    let i = 0;
    while (i < d.verdicts.length && !newer(v, d.verdicts[i]!)) i++;
    if (i >= this.opts.verdictsPerDevice) return true;
    d.verdicts.splice(i, 0, v);
    d.verdicts.length = Math.min(d.verdicts.length, this.opts.verdictsPerDevice);
    return true;
  }

  private clearState(key: string): void {
    const d = this.deviceMap.get(key);
    if (!d) return;
    d.state = null;
    if (!d.telemetry && d.verdicts.length === 0) this.deviceMap.delete(key);
  }

  private gatewayEntry(site: string, gateway: string): GatewayEntry | null {
    const key = `${site}/${gateway}`;
    let g = this.gatewayMap.get(key);
    if (!g) {
      if (this.gatewayMap.size >= this.opts.maxGateways) return null;
      g = { key, site, gateway, online: null };
      this.gatewayMap.set(key, g);
    }
    return g;
  }

  private deviceEntry(site: string, gateway: string, id: string): DeviceEntry | null {
    const key = `${site}/${gateway}/${id}`;
    let d = this.deviceMap.get(key);
    if (!d) {
      if (this.deviceMap.size >= this.opts.maxDevices) return null;
      d = { key, site, gateway, id, state: null, telemetry: null, cycle: null, verdicts: [], activeAt: 0, stateAt: 0, telemetryAt: 0 };
      this.deviceMap.set(key, d);
    }
    return d;
  }

  /** A device's state or telemetry: read, then folded into its entry (a device past maxDevices is ignored). */
  private devicePayload<T>(
    topic: string,
    t: { kind: 'state' | 'telemetry'; site: string; gateway: string; device: string },
    read: Parsed<T>,
    fold: (d: DeviceEntry, value: T) => void,
  ): WatchUpdate {
    if (!read.ok) return this.invalid(topic, read.reason);
    const d = this.deviceEntry(t.site, t.gateway, t.device);
    if (!d) return this.ignore(topic, 'too many devices');
    fold(d, read.value);
    return { kind: t.kind, topic, device: d };
  }

  private invalid(topic: string, reason: string): WatchUpdate {
    this.stats.invalid++;
    this.stats.lastInvalid = { topic, reason };
    return { kind: 'invalid', topic, reason };
  }

  private ignore(topic: string, reason: string): WatchUpdate {
    this.stats.ignored++;
    return { kind: 'ignored', topic, reason };
  }
}
