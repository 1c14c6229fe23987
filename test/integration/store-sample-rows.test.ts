// Migrations 7 and 8 (chain-rows.ts): a store whose samples and raw lines were written by the previous
// schema keeps every value and hash exactly, passes db verify after them, and its chains go on; edits made
// before them are still caught; and what the gateway writes now reads back as the very numbers it was given.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash } from '../../gateway/store/chained-log.js';
import { openDatabase } from '../../gateway/store/database.js';
import { LATEST_VERSION, schemaVersion } from '../../gateway/store/migrations.js';
import { canonicalRawLine, RAW_COLUMNS, type RawLineInput } from '../../gateway/store/raw-log.js';
import { GENESIS_HASH } from '../../gateway/store/record.js';
import { type ChainedSample, canonicalSample, packCenti, SAMPLE_COLUMNS } from '../../gateway/store/sample-log.js';
import { Store } from '../../gateway/store/store.js';
import { runCli } from '../helpers/cli.js';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-sample-rows-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const CYCLE_A = '39fdf0d4-b88c-4f5a-8c07-9e83702d84fb';
const CYCLE_B = '6f5d7478-d8f6-40e8-9c37-4345aa6bf3bb';
type Values = Omit<ChainedSample, 'deviceId' | 'seq'>;
const T0 = 1_767_600_000_000;
/** Values the compact forms must give back exactly, and some they must keep as they are. */
const VALUES: Values[] = [
  { ts: T0, recvTs: T0 + 3, cycleId: CYCLE_A, temp_c: 134.1, temp2_c: null, pressure_kpa: 304.5, phase: 'sterilizing', deviceTime: T0 },
  {
    ts: T0 + 1000,
    recvTs: T0 + 900,
    cycleId: CYCLE_A,
    temp_c: 0.1 + 0.2,
    temp2_c: -12.35,
    pressure_kpa: 1e6 + 0.01,
    phase: 'heating',
    deviceTime: T0 - 86_400_000,
  },
  { ts: T0 + 2000, recvTs: T0 + 2004, cycleId: null, temp_c: 20, temp2_c: 0, pressure_kpa: null, phase: null, deviceTime: null },
  { ts: 1.5, recvTs: 7, cycleId: CYCLE_B, temp_c: 134.1199951171875, temp2_c: 1e300, pressure_kpa: -0.005, phase: 'drying', deviceTime: 2.25 },
  { ts: T0 + 4000, recvTs: T0 + 4000, cycleId: CYCLE_B, temp_c: null, temp2_c: 5e-324, pressure_kpa: 123456789.12, phase: 'drying', deviceTime: T0 + 4000 },
];

/** Rows as the previous schema's SampleLog wrote them: the old table, its columns, hex hashes. */
function writeOldRows(db: Database.Database, device: string, values: readonly Values[]): string {
  let prev = GENESIS_HASH;
  values.forEach((v, i) => {
    const seq = i + 1;
    const hash = chainHash(prev, canonicalSample(device, seq, v));
    db.prepare(`INSERT INTO samples (${SAMPLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      device,
      seq,
      v.ts,
      v.recvTs,
      v.cycleId,
      v.temp_c,
      v.temp2_c,
      v.pressure_kpa,
      v.phase,
      v.deviceTime,
      hash,
    );
    prev = hash;
  });
  return prev;
}

/** Raw lines as the previous schema's RawLog wrote them. */
function writeOldLines(db: Database.Database, device: string, lines: readonly RawLineInput[]): void {
  let prev = GENESIS_HASH;
  lines.forEach((l, i) => {
    const hash = chainHash(prev, canonicalRawLine(device, i + 1, l));
    db.prepare(`INSERT INTO raw_lines (${RAW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`).run(device, i + 1, l.ts, l.cycleId, l.line, hash);
    prev = hash;
  });
}
const LINES: RawLineInput[] = [
  { ts: T0, cycleId: CYCLE_A, line: '08:00:00  134.1 C  304 kPa' },
  { ts: T0 + 1000, cycleId: null, line: 'ünïcode \u0007 "quoted"' },
  { ts: 2.5, cycleId: CYCLE_B, line: '' },
];

const allLines = (db: Database.Database) => db.prepare(`SELECT ${RAW_COLUMNS} FROM raw_lines ORDER BY device_id, seq`).all();
const allRows = (db: Database.Database) => db.prepare(`SELECT ${SAMPLE_COLUMNS} FROM samples ORDER BY device_id, seq`).all();
const store = () => new Store({ dataDir, site: 'h1', gateway: 'gw1', logger: pino({ level: 'silent' }) });

describe('compact sample rows (migration 7)', () => {
  it('migrates a store made by the previous schema: same rows, same hashes, db verify passes, the chains go on', () => {
    const v6 = openDatabase(dataDir, { targetVersion: 6 });
    writeOldRows(v6, 'AC-01', VALUES);
    const wdHead = writeOldRows(v6, 'WD-01', VALUES.slice(0, 3));
    writeOldLines(v6, 'AC-01', LINES);
    writeOldLines(v6, 'PR-09', LINES.slice(0, 2)); // a device with raw lines and no samples
    const before = allRows(v6);
    const linesBefore = allLines(v6);
    v6.close();

    const s = store();
    s.start();
    expect(schemaVersion(s.db)).toBe(LATEST_VERSION);
    expect(allRows(s.db)).toEqual(before);
    expect(allLines(s.db)).toEqual(linesBefore);
    expect(s.db.prepare("SELECT count(*) FROM raw_line_rows WHERE typeof(hash) = 'blob' AND length(hash) = 32").pluck().get()).toBe(5);
    expect(s.db.prepare('SELECT device_id FROM chain_devices ORDER BY id').pluck().all()).toEqual(['AC-01', 'WD-01', 'PR-09']);
    expect(s.raw.linesOfCycle(CYCLE_B).map((l) => l.line)).toEqual(['']);
    expect(s.db.prepare("SELECT count(*) FROM sample_rows WHERE typeof(hash) = 'blob' AND length(hash) = 32").pluck().get()).toBe(8);
    expect(s.db.prepare('SELECT cycle_id FROM cycle_ids ORDER BY id').pluck().all()).toEqual([CYCLE_A, CYCLE_B]);
    expect(s.sampleChainRef('WD-01')).toEqual({ deviceId: 'WD-01', seq: 3, hash: wdHead });
    expect(s.samples.samplesOfCycle('AC-01', CYCLE_B).map((x) => x.seq)).toEqual([4, 5]);
    s.samples.add('WD-01', { ...VALUES[0]!, cycleId: CYCLE_B });
    s.samples.add('AC-01', VALUES[1]!);
    s.raw.add('AC-01', { ts: T0 + 9000, cycleId: CYCLE_A, line: 'after' });
    s.raw.add('WD-01', { ts: T0 + 9000, cycleId: '7c1e2f3a-0000-4000-8000-000000000001', line: 'new cycle' });
    s.append({ type: 'scan', body: { sampleChain: s.sampleChainRef('AC-01') } });
    expect(s.verify()).toMatchObject({ ok: true, problems: [], samples: 10, rawLines: 7 });
    expect(s.raw.linesOfCycle(CYCLE_A).map((l) => `${l.deviceId}:${l.line}`)).toEqual([`AC-01:${LINES[0]!.line}`, 'AC-01:after', `PR-09:${LINES[0]!.line}`]);
    s.close();

    const cli = runCli(['db', 'verify', '--full', '--data-dir', dataDir]);
    expect(cli.status, cli.stderr + cli.stdout).toBe(0);
  });

  it('an edit made before the migration is still caught after it, as it was stored', () => {
    const v6 = openDatabase(dataDir, { targetVersion: 6 });
    writeOldRows(v6, 'AC-01', VALUES);
    // an uppercase hash is not what chainHash writes: it must not come back lowercase (and so "right")
    v6.prepare('UPDATE samples SET hash = upper(hash) WHERE seq = 2').run();
    v6.prepare("UPDATE samples SET temp_c = 'hot' WHERE seq = 4").run();
    writeOldLines(v6, 'AC-01', LINES);
    v6.prepare('UPDATE raw_lines SET hash = upper(hash) WHERE seq = 3').run();
    const before = allRows(v6);
    v6.close();

    const s = store();
    s.start();
    expect(allRows(s.db)).toEqual(before);
    const problems = s.verify().problems.map((p) => `${p.table}:${p.seq}:${p.kind}`);
    expect(problems).toEqual(['samples:2:hash', 'samples:3:hash', 'samples:4:hash', 'raw_lines:3:hash']);
    s.close();
  });

  it('what the gateway writes now reads back as the very numbers, through the store and the view', () => {
    const s = store();
    s.start();
    for (const v of VALUES) s.samples.add('AC-01', v);
    s.flush();
    const back = s.db.prepare(`SELECT ${SAMPLE_COLUMNS} FROM samples ORDER BY seq`).all() as Record<string, unknown>[];
    expect(back.map((r) => [r.ts, r.recv_ts, r.cycle_id, r.temp_c, r.temp2_c, r.pressure_kpa, r.phase, r.device_time])).toEqual(
      VALUES.map((v) => [v.ts, v.recvTs, v.cycleId, v.temp_c, v.temp2_c, v.pressure_kpa, v.phase, v.deviceTime]),
    );
    // the compact forms were taken where they are exact, and the value kept where not
    const kinds = s.db.prepare("SELECT typeof(temp_c) || '/' || typeof(recv_ts) FROM sample_rows ORDER BY seq").pluck().all();
    expect(kinds).toEqual(['integer/integer', 'real/integer', 'integer/integer', 'real/real', 'null/integer']);
    expect(s.verify()).toMatchObject({ ok: true, samples: 5 });
    // an edit through the view lands in the row and is caught
    s.db.prepare("UPDATE samples SET temp_c = 134.0 WHERE device_id = 'AC-01' AND seq = 3").run();
    expect(s.db.prepare('SELECT temp_c FROM samples WHERE seq = 3').pluck().get()).toBe(134);
    expect(s.verify().problems.map((p) => `${p.seq}:${p.kind}`)).toEqual(['3:hash']);
    s.close();
  });

  it("any finite numbers come back exactly (the JS forms and the migration's SQL forms alike), so the hashes hold", () => {
    const v6 = openDatabase(dataDir, { targetVersion: 6 });
    const finite = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -50_000, max: 50_000 }).map((n) => n / 100),
    );
    const time = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.double({ min: 0, max: 4e12, noNaN: true }));
    const values = fc.array(
      fc.record({
        ts: time,
        recvTs: time,
        temp_c: fc.option(finite),
        temp2_c: fc.option(finite),
        pressure_kpa: fc.option(finite),
        deviceTime: fc.option(time),
      }),
      { minLength: 1, maxLength: 200 },
    );
    const sampled = fc.sample(values, { numRuns: 5, seed: 42 }).flat();
    const all: Values[] = sampled.map((v) => ({ ...v, cycleId: CYCLE_A, phase: 'heating' }));
    writeOldRows(v6, 'OLD', all);
    v6.close();
    const s = store();
    s.start();
    for (const v of all) s.samples.add('NEW', v);
    s.flush();
    const back = (device: string) =>
      (s.db.prepare(`SELECT ${SAMPLE_COLUMNS} FROM samples WHERE device_id = ? ORDER BY seq`).all(device) as Record<string, unknown>[]).map((r) => [
        r.ts,
        r.recv_ts,
        r.temp_c,
        r.temp2_c,
        r.pressure_kpa,
        r.device_time,
      ]);
    const want = all.map((v) => [v.ts, v.recvTs, v.temp_c, v.temp2_c, v.pressure_kpa, v.deviceTime].map((x) => (Object.is(x, -0) ? 0 : x)));
    expect(back('NEW')).toEqual(want);
    expect(back('OLD')).toEqual(want);
    expect(s.verify()).toMatchObject({ ok: true, problems: [], samples: 2 * all.length });
    s.close();
  });

  it('packCenti takes hundredths only when they give the number back exactly', () => {
    for (const v of [134.1, 304.5, -12.35, 0, 20, 99.99, 1e12 + 0.01]) expect(Number(packCenti(v)) / 100).toBe(v);
    for (const v of [0.1 + 0.2, 134.1199951171875, 1e300, 5e-324, -0]) expect(packCenti(v)).toBe(v);
  });
});
