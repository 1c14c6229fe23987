// The raw device text (printer lines), chained per device like samples and batched with them, so the
// cycle record can carry a digest of exactly what the device printed.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { GatewayError } from '../../vocabulary/errors.js';
import { canonicalJson } from './canonical-json.js';
import { CycleIds, NameIds } from './chain-rows.js';
import { ChainedLog, type ChainedLogOptions } from './chained-log.js';
import type { Db } from './database.js';

export interface RawLineInput {
  /** ms epoch the line was received. */
  ts: number;
  cycleId: string | null;
  line: string;
}

export interface StoredRawLine extends RawLineInput {
  deviceId: string;
  seq: number;
  hash: string;
}

/** What a raw line's chain link hashes: canonicalJSON({cycleId, deviceId, line, seq, ts}). */
export function canonicalRawLine(deviceId: string, seq: number, l: RawLineInput): string {
  return canonicalJson({ cycleId: l.cycleId, deviceId, line: l.line, seq, ts: l.ts });
}

/** hex sha256 of the lines joined by '\n' (no trailing newline): the cycle record's raw digest. */
export function linesDigest(lines: readonly string[]): string {
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

interface RawRow {
  device_id: string;
  seq: number;
  ts: number;
  cycle_id: string | null;
  line: string;
  hash: string;
}
export const RAW_COLUMNS = 'device_id, seq, ts, cycle_id, line, hash';
export function rawLineFromRow(r: RawRow): StoredRawLine {
  return { deviceId: r.device_id, seq: r.seq, ts: r.ts, cycleId: r.cycle_id, line: r.line, hash: r.hash };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class RawLog extends ChainedLog<RawLineInput> {
  private readonly insert;
  private readonly ofCycle;
  private readonly devices;
  private readonly cycles;

  constructor(db: Db, opts: ChainedLogOptions = {}, logger?: Logger) {
    super(db, 'raw_lines', opts, logger ?? opts.logger);
    // Rows go to raw_line_rows in their compact form (chain-rows.ts); reads go through the view `raw_lines`.
    this.insert = db.prepare('INSERT INTO raw_line_rows (device, seq, ts, cycle, line, hash) VALUES (?, ?, ?, ?, ?, ?)');
    this.devices = new NameIds(db, 'chain_devices', 'device_id');
    this.cycles = new CycleIds(db);
    this.ofCycle = db.prepare(`SELECT ${RAW_COLUMNS} FROM raw_lines WHERE cycle_id = ? ORDER BY device_id, seq`);
  }

  add(deviceId: string, l: RawLineInput): void {
    if (typeof deviceId !== 'string' || deviceId === '') throw new GatewayError('store.raw', 'raw line deviceId must be a non-empty string');
    if (typeof l.line !== 'string' || LONE_SURROGATE.test(l.line)) throw new GatewayError('store.raw', 'raw line must be well-formed text', { deviceId });
    if (typeof l.ts !== 'number' || !Number.isFinite(l.ts)) throw new GatewayError('store.raw', 'raw line ts must be a finite number', { deviceId });
    this.enqueue(deviceId, { ts: l.ts, cycleId: l.cycleId ?? null, line: l.line });
  }

  protected canonical(deviceId: string, seq: number, l: RawLineInput): string {
    return canonicalRawLine(deviceId, seq, l);
  }

  protected insertRow(deviceId: string, seq: number, l: RawLineInput, hash: string): void {
    const cycle = l.cycleId === null ? null : this.cycles.id(deviceId, l.cycleId, true);
    this.insert.run(this.devices.id(deviceId, true), seq, l.ts, cycle, l.line, Buffer.from(hash, 'hex'));
  }

  /** The batch's transaction rolled back: cycle ids it inserted are gone. */
  protected override rolledBack(): void {
    this.devices.forget();
    this.cycles.forget();
  }

  /** The cycle's lines in the order received (writes the buffer first). */
  linesOfCycle(cycleId: string): StoredRawLine[] {
    this.flush();
    return (this.ofCycle.all(cycleId) as RawRow[]).map(rawLineFromRow);
  }

  /** linesDigest of the cycle's stored lines. */
  digestOfCycle(cycleId: string): string {
    return linesDigest(this.linesOfCycle(cycleId).map((l) => l.line));
  }
}
