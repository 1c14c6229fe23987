// A signed `cycle` record (and the `release` and `bi` records around it) read into the shape a person
// reads: every field checked, nothing assumed. A record written by an older or newer gateway renders
// with what it has; a missing field shows as a dash, never as an error. Pure.
import type { SignedRecord } from '../store/record.js';
import type { CurveData } from './curve-svg.js';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null);
const numOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const series = (x: unknown): (number | null)[] | undefined => (Array.isArray(x) ? x.map((v) => numOrNull(v)) : undefined);

export interface CriterionRow {
  id: string;
  pass: boolean | null;
  measured: number | string | null;
  limit: number | string | null;
  unit: string;
  detail: string;
}

export interface LoadItemView {
  raw: string;
  kind: string | null;
  gtin: string | null;
  lot: string | null;
  serial: string | null;
  expiry: string | null;
  code: string | null;
  implant: boolean;
  expired: boolean;
}

export interface LoadView {
  loadId: string | null;
  operator: string | null;
  station: string | null;
  items: LoadItemView[];
  bi: { lot: string; serial: string | null; gtin: string | null; expiry: string | null; expired: boolean } | null;
  implant: boolean;
}

export interface CycleView {
  recordId: string;
  seq: number;
  site: string;
  gateway: string;
  device: string;
  deviceType: string | null;
  program: string | null;
  programTitle: string | null;
  programNo: number | null;
  cycleNo: number | string | null;
  cycleId: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationS: number | null;
  operator: string | null;
  ticketLoadId: string | null;
  verdict: string;
  criteria: CriterionRow[];
  hold: { start: number; end: number; seconds: number } | null;
  stats: {
    tempMinC: number | null;
    tempMaxC: number | null;
    pressureMinKpa: number | null;
    pressureMaxKpa: number | null;
    f0Min: number | null;
    a0: number | null;
    samples: number | null;
  };
  phases: { phase: string; start: string | null; t_s: number | null; label: string | null }[];
  alarms: { ts: string | null; code: string; text: string }[];
  interruptions: number;
  basis: string | null;
  end: { reason: string | null; status: string | null; code: string | null; text: string | null };
  curve: CurveData | null;
  load: LoadView | null;
  sampleChain: { seq: number; hash: string } | null;
  raw: { lines: number; sha256: string } | null;
  hash: string;
  prevHash: string;
  keyId: string;
}

function itemOf(x: unknown): LoadItemView | null {
  if (!isObj(x)) return null;
  return {
    raw: typeof x.raw === 'string' ? x.raw : '',
    kind: str(x.kind),
    gtin: str(x.gtin),
    lot: str(x.lot),
    serial: str(x.serial),
    expiry: str(x.expiry),
    code: str(x.code),
    implant: x.implant === true,
    expired: x.expired === true,
  };
}

function loadOf(x: unknown): LoadView | null {
  if (!isObj(x)) return null;
  const items = arr(x.items)
    .map(itemOf)
    .filter((i): i is LoadItemView => i !== null);
  const bi =
    isObj(x.bi) && typeof x.bi.lot === 'string'
      ? { lot: x.bi.lot, serial: str(x.bi.serial), gtin: str(x.bi.gtin), expiry: str(x.bi.expiry), expired: x.bi.expired === true }
      : null;
  const loadId = str(x.loadId);
  if (!loadId && items.length === 0 && !bi) return null;
  return { loadId, operator: str(x.operator), station: str(x.station), items, bi, implant: x.implant === true || items.some((i) => i.implant) };
}

function curveOf(x: unknown): CurveData | null {
  if (!isObj(x)) return null;
  const t = series(x.t_s);
  const temp = series(x.temp_c);
  if (!t || !temp || t.length === 0) return null;
  return { t_s: t, temp_c: temp, temp2_c: series(x.temp2_c), pressure_kpa: series(x.pressure_kpa) };
}

/** A value safe to show as a criterion's measured or limit (numbers, short strings). */
function shownValue(x: unknown): number | string | null {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'string') return x;
  return null;
}

export function cycleViewOf(rec: SignedRecord): CycleView {
  const b: Obj = isObj(rec.body) ? rec.body : {};
  const info = isObj(b.info) ? b.info : {};
  const stats = isObj(b.stats) ? b.stats : {};
  const hold =
    isObj(b.hold) && numOrNull(b.hold.start) !== null && numOrNull(b.hold.end) !== null
      ? { start: b.hold.start as number, end: b.hold.end as number, seconds: numOrNull(b.hold.seconds) ?? (b.hold.end as number) - (b.hold.start as number) }
      : null;
  const end = isObj(b.end) ? b.end : {};
  const started = str(b.startedAt);
  const ended = str(b.endedAt);
  const durationS = numOrNull(stats.durationS) ?? (started && ended ? (Date.parse(ended) - Date.parse(started)) / 1000 : null);
  const load = loadOf(b.load);
  const samples = isObj(b.samples) ? b.samples : null;
  const raw = isObj(b.raw) && typeof b.raw.lines === 'number' && typeof b.raw.sha256 === 'string' ? { lines: b.raw.lines, sha256: b.raw.sha256 } : null;
  const cycleNo = b.cycleNo;
  return {
    recordId: rec.id,
    seq: rec.seq,
    site: rec.site,
    gateway: rec.gateway,
    device: rec.device ?? str(b.device) ?? '—',
    deviceType: str(b.deviceType),
    program: str(b.program),
    programTitle: str(b.programTitle),
    programNo: numOrNull(b.programNo),
    cycleNo: typeof cycleNo === 'number' || typeof cycleNo === 'string' ? cycleNo : null,
    cycleId: str(b.cycleId),
    startedAt: started,
    endedAt: ended,
    durationS: durationS !== null && Number.isFinite(durationS) ? durationS : null,
    operator: str(info.operator) ?? load?.operator ?? null,
    ticketLoadId: str(info.loadId),
    verdict: typeof b.verdict === 'string' ? b.verdict : 'unknown',
    criteria: arr(b.criteria)
      .filter(isObj)
      .map((c) => ({
        id: typeof c.id === 'string' ? c.id : '?',
        pass: c.pass === true ? true : c.pass === false ? false : null,
        measured: shownValue(c.measured),
        limit: shownValue(c.limit),
        unit: typeof c.unit === 'string' ? c.unit : '',
        detail: typeof c.detail === 'string' ? c.detail : '',
      })),
    hold,
    stats: {
      tempMinC: numOrNull(stats.tempMinC),
      tempMaxC: numOrNull(stats.tempMaxC),
      pressureMinKpa: numOrNull(stats.pressureMinKpa),
      pressureMaxKpa: numOrNull(stats.pressureMaxKpa),
      f0Min: numOrNull(stats.f0Min),
      a0: numOrNull(stats.a0),
      samples: numOrNull(stats.samples),
    },
    phases: arr(b.phases)
      .filter(isObj)
      .map((p) => ({ phase: typeof p.phase === 'string' ? p.phase : '?', start: str(p.start), t_s: numOrNull(p.t_s), label: str(p.label) })),
    alarms: arr(b.alarms)
      .filter(isObj)
      .map((a) => ({ ts: str(a.ts), code: typeof a.code === 'string' ? a.code : '?', text: typeof a.text === 'string' ? a.text : '' })),
    interruptions: arr(b.interruptions).length,
    basis: str(b.basis),
    end: { reason: str(end.reason), status: str(end.status), code: str(end.code), text: str(end.text) },
    curve: curveOf(b.curve),
    load,
    sampleChain:
      samples && typeof samples.chainSeq === 'number' && typeof samples.chainHash === 'string' ? { seq: samples.chainSeq, hash: samples.chainHash } : null,
    raw,
    hash: rec.hash,
    prevHash: rec.prevHash,
    keyId: rec.keyId,
  };
}

export interface ReleaseView {
  recordId: string;
  seq: number;
  at: string | null;
  status: string;
  previousStatus: string | null;
  reasonCode: string | null;
  reason: string;
  operator: string | null;
  decidedBy: string | null;
  correction: boolean;
  cycleKind: string | null;
  evidence: { ci: string | null; class5: string | null; bowieDickSheet: string | null; bi: string | null; biRequired: string[] };
}

export function releaseViewOf(rec: SignedRecord): ReleaseView {
  const b: Obj = isObj(rec.body) ? rec.body : {};
  const ev = isObj(b.evidence) ? b.evidence : {};
  return {
    recordId: rec.id,
    seq: rec.seq,
    at: str(b.at) ?? rec.ts,
    status: typeof b.status === 'string' ? b.status : '?',
    previousStatus: str(b.previousStatus),
    reasonCode: str(b.reasonCode),
    reason: typeof b.reason === 'string' ? b.reason : '',
    operator: str(b.operator),
    decidedBy: str(b.decidedBy),
    correction: b.correction === true,
    cycleKind: str(b.cycleKind),
    evidence: {
      ci: str(ev.ci),
      class5: str(ev.class5),
      bowieDickSheet: str(ev.bowieDickSheet),
      bi: isObj(ev.bi) ? str(ev.bi.result) : null,
      biRequired: arr(ev.biRequired).filter((x): x is string => typeof x === 'string'),
    },
  };
}

export interface BiView {
  recordId: string;
  result: string;
  readAt: string | null;
  reader: string | null;
  well: string | null;
  lot: string | null;
  valid: boolean | null;
  reason: string | null;
  role: string | null;
}

export function biViewOf(rec: SignedRecord): BiView {
  const b: Obj = isObj(rec.body) ? rec.body : {};
  return {
    recordId: rec.id,
    result: typeof b.result === 'string' ? b.result : '?',
    readAt: str(b.readAt),
    reader: str(b.reader) ?? rec.device ?? null,
    well: str(b.well),
    lot: str(b.lot),
    valid: b.valid === true ? true : b.valid === false ? false : null,
    reason: str(b.reason),
    role: str(b.role),
  };
}
