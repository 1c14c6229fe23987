// The payloads `watch` reads (docs/architecture.md, MQTT table), checked field by field. A payload
// from another gateway version or a stranger on the broker must never crash the view: each reader
// returns the typed value or the reason it was refused. Pure.
import { isValidSegment } from './topics.js';

export type CycleNo = number | string;

export interface StatusPayload {
  online: boolean;
  version: string | null;
  startedAt: string | null;
  keyId: string | null;
}

export interface StatePayload {
  connected: boolean;
  phase: string | null;
  program: string | null;
  cycleNo: CycleNo | null;
  since: string | null;
}

export interface TelemetryPayload {
  /** Device time, ms since the epoch (from the ISO `ts`). */
  ts: number;
  temp_c: number | null;
  temp2_c: number | null;
  pressure_kpa: number | null;
  tsat_c: number | null;
  phase: string | null;
  cycleNo: CycleNo | null;
}

export interface CycleRecordPayload {
  id: string;
  seq: number | null;
  /** Record time, ms since the epoch, or null. */
  ts: number | null;
  device: string;
  historical: boolean;
  program: string | null;
  cycleNo: CycleNo | null;
  verdict: string;
  /** Criterion ids with `pass: false`. */
  failed: string[];
  holdS: number | null;
  endedAt: string | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

function optString(o: Obj, key: string): string | null | undefined {
  const v = o[key];
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : undefined;
}

function optNumber(o: Obj, key: string): number | null | undefined {
  const v = o[key];
  if (v === undefined || v === null) return null;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function optCycleNo(o: Obj): CycleNo | null | undefined {
  const v = o.cycleNo;
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.length <= 32) return v;
  return undefined;
}

/** JSON text -> value; undefined for an empty payload (a cleared retained message). */
export function parseJson(payload: string): Parsed<unknown> | undefined {
  if (payload.length === 0) return undefined;
  try {
    return ok(JSON.parse(payload) as unknown);
  } catch {
    return fail('not JSON');
  }
}

export function readStatus(x: unknown): Parsed<StatusPayload> {
  if (!isObj(x)) return fail('status: not an object');
  if (typeof x.online !== 'boolean') return fail('status: online is not a boolean');
  const version = optString(x, 'version');
  const startedAt = optString(x, 'startedAt');
  const keyId = optString(x, 'keyId');
  if (version === undefined || startedAt === undefined || keyId === undefined) return fail('status: version, startedAt or keyId is not a string');
  return ok({ online: x.online, version, startedAt, keyId });
}

export function readState(x: unknown): Parsed<StatePayload> {
  if (!isObj(x)) return fail('state: not an object');
  if (typeof x.connected !== 'boolean') return fail('state: connected is not a boolean');
  const phase = optString(x, 'phase');
  const program = optString(x, 'program');
  const since = optString(x, 'since');
  const cycleNo = optCycleNo(x);
  if (phase === undefined || program === undefined || since === undefined) return fail('state: phase, program or since is not a string');
  if (cycleNo === undefined) return fail('state: cycleNo is not a number');
  return ok({ connected: x.connected, phase, program, cycleNo, since });
}

export function readTelemetry(x: unknown): Parsed<TelemetryPayload> {
  if (!isObj(x)) return fail('telemetry: not an object');
  const ts = typeof x.ts === 'string' ? Date.parse(x.ts) : typeof x.ts === 'number' ? x.ts : Number.NaN;
  if (!Number.isFinite(ts)) return fail('telemetry: ts is not a time');
  const temp_c = optNumber(x, 'temp_c');
  const temp2_c = optNumber(x, 'temp2_c');
  const pressure_kpa = optNumber(x, 'pressure_kpa');
  const tsat_c = optNumber(x, 'tsat_c');
  if (temp_c === undefined || temp2_c === undefined || pressure_kpa === undefined || tsat_c === undefined) {
    return fail('telemetry: temp_c, temp2_c, pressure_kpa or tsat_c is not a number');
  }
  const phase = optString(x, 'phase');
  if (phase === undefined) return fail('telemetry: phase is not a string');
  const cycleNo = optCycleNo(x);
  if (cycleNo === undefined) return fail('telemetry: cycleNo is not a number');
  return ok({ ts, temp_c, temp2_c, pressure_kpa, tsat_c, phase, cycleNo });
}

/** A `records/cycle` message: the signed record envelope with its body (only what `watch` shows). */
export function readCycleRecord(x: unknown): Parsed<CycleRecordPayload> {
  if (!isObj(x)) return fail('record: not an object');
  if (typeof x.id !== 'string' || x.id.length === 0) return fail('record: no id');
  if (typeof x.device !== 'string' || !isValidSegment(x.device)) return fail('record: device is not a device id');
  if (x.type !== undefined && x.type !== 'cycle') return fail(`record: type ${JSON.stringify(x.type)} on the cycle topic`);
  const body = x.body;
  if (!isObj(body)) return fail('record: no body');
  if (typeof body.verdict !== 'string') return fail('record: body.verdict is not a string');
  const failed = Array.isArray(body.criteria)
    ? body.criteria.filter((c): c is Obj => isObj(c) && c.pass === false && typeof c.id === 'string').map((c) => c.id as string)
    : [];
  const hold = isObj(body.hold) && typeof body.hold.seconds === 'number' ? body.hold.seconds : null;
  const ts = typeof x.ts === 'string' ? Date.parse(x.ts) : Number.NaN;
  return ok({
    id: x.id,
    seq: typeof x.seq === 'number' && Number.isFinite(x.seq) ? x.seq : null,
    ts: Number.isFinite(ts) ? ts : null,
    device: x.device,
    historical: x.historical === true,
    program: optString(body, 'program') ?? null,
    cycleNo: optCycleNo(body) ?? null,
    verdict: body.verdict,
    failed,
    holdS: hold,
    endedAt: optString(body, 'endedAt') ?? null,
  });
}
