// Samples, hash-chained per device and written in batches (docs/architecture.md, docs/mqtt.md). A sample's link is
// sha256(prevHash + canonicalJSON({deviceId, seq, ts, recvTs, cycleId, temp_c, temp2_c,
// pressure_kpa, phase, deviceTime})), every field present, null when absent.
import type { Logger } from 'pino';
import { GatewayError } from '../../vocabulary/errors.js';
import { isPhase, type Phase } from '../../vocabulary/phases.js';
import { canonicalJson } from './canonical-json.js';
import { CycleIds, NameIds } from './chain-rows.js';
import { ChainedLog, type ChainedLogOptions } from './chained-log.js';
import type { Db } from './database.js';

export interface SampleInput {
  /** Acquisition time, ms epoch (the device clock when it has one). */
  ts: number;
  /** Gateway receive time, ms epoch. */
  recvTs: number;
  cycleId: string | null;
  temp_c: number | null;
  temp2_c?: number | null;
  pressure_kpa?: number | null;
  phase?: Phase | null;
  /** Device clock, ms epoch, when the device reports one. */
  deviceTime?: number | null;
}

/** Exactly what is hashed. */
export interface ChainedSample {
  deviceId: string;
  seq: number;
  ts: number;
  recvTs: number;
  cycleId: string | null;
  temp_c: number | null;
  temp2_c: number | null;
  pressure_kpa: number | null;
  phase: Phase | null;
  deviceTime: number | null;
}

export interface StoredSample extends ChainedSample {
  hash: string;
}

type Normalized = Omit<ChainedSample, 'deviceId' | 'seq'>;

// Strings that JSON needs no escapes for (and that hold no surrogate) are quoted as they are;
// anything else takes the full RFC 8785 path.
const PLAIN = /^[^"\\\u0000-\u001f\u007f-\uffff]*$/;
const str = (s: string | null): string => (s === null ? 'null' : PLAIN.test(s) ? `"${s}"` : canonicalJson(s));
// For a finite number, String() is ECMAScript Number::toString, which RFC 8785 mandates (-0 -> "0").
const num = (n: number | null): string => (n === null ? 'null' : String(n));

/** canonicalJSON of a sample without the generic walker: keys in RFC 8785 (UTF-16) order. Equal to
 * canonicalJson({deviceId, seq, ...s}) for every valid sample (a property test holds it to that). */
export function canonicalSample(deviceId: string, seq: number, s: Omit<ChainedSample, 'deviceId' | 'seq'>): string {
  return `{"cycleId":${str(s.cycleId)},"deviceId":${str(deviceId)},"deviceTime":${num(s.deviceTime)},"phase":${str(s.phase)},"pressure_kpa":${num(s.pressure_kpa)},"recvTs":${num(s.recvTs)},"seq":${num(seq)},"temp2_c":${num(s.temp2_c)},"temp_c":${num(s.temp_c)},"ts":${num(s.ts)}}`;
}

function finiteOrNull(name: string, v: unknown, required: boolean): number | null {
  if (v === undefined || v === null) {
    if (required) throw new GatewayError('store.sample', `sample ${name} is required`, { field: name });
    return null;
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new GatewayError('store.sample', `sample ${name} must be a finite number or null, got ${String(v)}`, { field: name });
  return v;
}

/** Checks a sample and fills absent fields with null; throws store.sample for what cannot be stored. */
export function normalizeSample(s: SampleInput): Normalized {
  const phase = s.phase ?? null;
  if (phase !== null && !isPhase(phase)) throw new GatewayError('store.sample', `sample phase ${String(phase)} is not a known phase`, { field: 'phase' });
  const cycleId = s.cycleId ?? null;
  if (cycleId !== null && typeof cycleId !== 'string') throw new GatewayError('store.sample', 'sample cycleId must be a string or null', { field: 'cycleId' });
  return {
    ts: finiteOrNull('ts', s.ts, true) as number,
    recvTs: finiteOrNull('recvTs', s.recvTs, true) as number,
    cycleId,
    temp_c: finiteOrNull('temp_c', s.temp_c, false),
    temp2_c: finiteOrNull('temp2_c', s.temp2_c, false),
    pressure_kpa: finiteOrNull('pressure_kpa', s.pressure_kpa, false),
    phase,
    deviceTime: finiteOrNull('deviceTime', s.deviceTime, false),
  };
}

interface SampleRow {
  device_id: string;
  seq: number;
  ts: number;
  recv_ts: number;
  cycle_id: string | null;
  temp_c: number | null;
  temp2_c: number | null;
  pressure_kpa: number | null;
  phase: string | null;
  device_time: number | null;
  hash: string;
}

/** A stored row as the sample that was chained (the audit rebuilds hashes from this). */
export function sampleFromRow(r: SampleRow): StoredSample {
  return {
    deviceId: r.device_id,
    seq: r.seq,
    ts: r.ts,
    recvTs: r.recv_ts,
    cycleId: r.cycle_id,
    temp_c: r.temp_c,
    temp2_c: r.temp2_c,
    pressure_kpa: r.pressure_kpa,
    phase: r.phase as Phase | null,
    deviceTime: r.device_time,
    hash: r.hash,
  };
}

/** recv_ts / device_time as sample_rows stores them (chain-rows.ts): a BigInt (stored as INTEGER) is the
 * difference from ts; a number is bound as a REAL and is the value itself. */
export function packDelta(v: number, ts: number): bigint | number {
  return Number.isSafeInteger(v) && Number.isSafeInteger(ts) && Number.isSafeInteger(v - ts) ? BigInt(v - ts) : v;
}

/** A reading as sample_rows stores it: a BigInt is hundredths, exact (n / 100 is the very number);
 * anything else stays the number (a REAL). */
export function packCenti(v: number | null): bigint | number | null {
  if (v === null || Object.is(v, -0) || Math.abs(v) >= 1e13) return v;
  const n = Math.round(v * 100);
  return n / 100 === v ? BigInt(n) : v;
}

export const SAMPLE_COLUMNS = 'device_id, seq, ts, recv_ts, cycle_id, temp_c, temp2_c, pressure_kpa, phase, device_time, hash';

/** How far back from a device's chain head samplesOfCycle looks for the cycle (rows): days at 1 Hz. */
export const CYCLE_SCAN_LIMIT = 500_000;

export class SampleLog extends ChainedLog<Normalized> {
  private readonly insert;
  private readonly lastOfCycle;
  private readonly lastBefore;
  private readonly range;
  private readonly devices;
  private readonly phases;
  private readonly cycles;

  constructor(db: Db, opts: ChainedLogOptions = {}, logger?: Logger) {
    super(db, 'samples', opts, logger ?? opts.logger);
    // Rows go to sample_rows in their compact form (chain-rows.ts); reads go through the view `samples`.
    this.insert = db.prepare(
      'INSERT INTO sample_rows (device, seq, ts, recv_ts, cycle, temp_c, temp2_c, pressure_kpa, phase, device_time, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.devices = new NameIds(db, 'chain_devices', 'device_id');
    this.phases = new NameIds(db, 'sample_phases', 'phase');
    this.cycles = new CycleIds(db);
    // No index on the cycle (migration 6): these walk samples_chain (device, seq) backwards from the head.
    this.lastOfCycle = db.prepare('SELECT seq FROM sample_rows WHERE device = ? AND seq > ? AND cycle = ? ORDER BY seq DESC LIMIT 1').pluck();
    this.lastBefore = db.prepare('SELECT seq FROM sample_rows WHERE device = ? AND seq > ? AND seq < ? AND cycle IS NOT ? ORDER BY seq DESC LIMIT 1').pluck();
    this.range = db.prepare(`SELECT ${SAMPLE_COLUMNS} FROM samples WHERE device_id = ? AND seq > ? AND seq <= ? ORDER BY seq`);
  }

  /** Buffers one sample; it is chained and written at the next flush. Throws store.sample at once
   * for a sample that cannot be stored (non-finite number, unknown phase), so a batch never fails on one. */
  add(deviceId: string, sample: SampleInput): void {
    if (typeof deviceId !== 'string' || deviceId === '') throw new GatewayError('store.sample', 'sample deviceId must be a non-empty string');
    this.enqueue(deviceId, normalizeSample(sample));
  }

  protected canonical(deviceId: string, seq: number, s: Normalized): string {
    return canonicalSample(deviceId, seq, s);
  }

  protected insertRow(deviceId: string, seq: number, s: Normalized, hash: string): void {
    const cycle = s.cycleId === null ? null : this.cycles.id(deviceId, s.cycleId, true);
    const phase = s.phase === null ? null : this.phases.id(s.phase, true);
    // chainHash gives 64 lowercase hex digits: the view gives them back from these 32 bytes.
    this.insert.run(
      this.devices.id(deviceId, true),
      seq,
      s.ts,
      packDelta(s.recvTs, s.ts),
      cycle,
      packCenti(s.temp_c),
      packCenti(s.temp2_c),
      packCenti(s.pressure_kpa),
      phase,
      s.deviceTime === null ? null : packDelta(s.deviceTime, s.ts),
      Buffer.from(hash, 'hex'),
    );
  }

  /** The batch's transaction rolled back: ids it inserted are gone. */
  protected override rolledBack(): void {
    this.devices.forget();
    this.phases.forget();
    this.cycles.forget();
  }

  /** Every stored sample of a device's cycle in chain order (writes the buffer first): resumes an open
   * cycle after a restart. A cycle's samples are one run of the device's chain (the sink stamps every
   * sample with the cycle open at the time), found from the head backwards within CYCLE_SCAN_LIMIT rows. */
  samplesOfCycle(deviceId: string, cycleId: string): StoredSample[] {
    const head = this.head(deviceId).seq;
    const device = this.devices.id(deviceId, false);
    const cycle = this.cycles.id(deviceId, cycleId, false);
    if (device === undefined || cycle === undefined) return [];
    const floor = Math.max(0, head - CYCLE_SCAN_LIMIT);
    const last = this.lastOfCycle.get(device, floor, cycle) as number | undefined;
    if (last === undefined) return [];
    const before = (this.lastBefore.get(device, floor, last, cycle) as number | undefined) ?? floor;
    return (this.range.all(deviceId, before, last) as SampleRow[]).map(sampleFromRow);
  }
}
