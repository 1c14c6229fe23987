// Issue 10 item 6: retention with signed checkpoints. Days of cycles on a store with an injected clock;
// retention deletes what is old and delivered, never what is undelivered or still needed by an open
// cycle, and every chain that remains verifies, from the last checkpoint and in full. Tampering stays
// visible: after the checkpoint to the default check, before it to --full.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbCommand } from '../../cli/commands/db.js';
import { verifyStore } from '../../gateway/store/audit.js';
import { isCheckpoint, META_CHECKPOINT } from '../../gateway/store/checkpoint.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { DAY_MS, DEFAULT_RETENTION, type Retention, type RetentionPolicy } from '../../gateway/store/retention.js';
import { RetentionRunner } from '../../gateway/store/retention-runner.js';
import { Store } from '../../gateway/store/store.js';

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2026-01-01T00:00:00Z');
let dataDir: string;
let t: number;
let store: Store;

const policy = (p: Partial<RetentionPolicy> = {}): RetentionPolicy => ({
  ...DEFAULT_RETENTION,
  batchRows: 50,
  samples: { maxAgeDays: 2 },
  raw_lines: { maxAgeDays: 2 },
  ...p,
});

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-retention-'));
  t = T0;
  store = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger, now: () => t });
  store.start();
});
afterEach(() => {
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let cycleNo = 0;
/** One cycle on `device`: samples and raw lines, then its record binding them; delivered unless told. */
function cycle(device: string, opts: { samples?: number; delivered?: boolean } = {}): number {
  const id = `${device}-c${++cycleNo}`;
  for (let i = 0; i < (opts.samples ?? 30); i++) {
    store.samples.add(device, { ts: t + i * 1000, recvTs: t + i * 1000, cycleId: id, temp_c: 134 + (i % 3) / 10, pressure_kpa: 304, phase: 'sterilizing' });
    if (i % 10 === 0) store.raw.add(device, { ts: t + i * 1000, cycleId: id, line: `${i} 134.0 304` });
  }
  t += 60_000;
  const rec = store.append({
    type: 'cycle',
    device,
    body: { cycleId: id, verdict: 'pass', sampleChain: store.sampleChainRef(device), rawChain: store.rawChainRef(device) },
  });
  if (opts.delivered !== false) store.records.markDelivered(rec.seq, t);
  return rec.seq;
}

function pass(r: Retention): { checkpoint: number | null; deleted: number } {
  const cp = r.checkpointIfDue();
  if (cp) store.records.markDelivered(cp.seq, t); // the broker acknowledged it
  let deleted = 0;
  for (;;) {
    const d = r.deleteBatch();
    const n = d.samples + d.raw_lines + d.records;
    if (n === 0) break;
    deleted += n;
  }
  return { checkpoint: cp?.seq ?? null, deleted };
}

const firstSeq = (table: string, device: string) => store.db.prepare(`SELECT min(seq) FROM ${table} WHERE device_id = ?`).pluck().get(device) as number;

function days(n: number, r: Retention, perDay: () => void): void {
  for (let d = 0; d < n; d++) {
    perDay();
    t += DAY_MS;
    pass(r);
  }
}

describe('retention', () => {
  it('deletes delivered samples and raw lines older than maxAgeDays; both checks pass from the checkpoint and in full', () => {
    const r = store.retention(policy());
    days(6, r, () => {
      cycle('AC-01');
      cycle('AC-02');
    });
    expect(firstSeq('samples', 'AC-01')).toBeGreaterThan(60); // the oldest days are gone
    expect(firstSeq('raw_lines', 'AC-02')).toBeGreaterThan(6);
    const checkpoints = store.records.range(1, 1e9, 1e6).filter(isCheckpoint);
    expect(checkpoints.length).toBeGreaterThanOrEqual(5);
    const fast = verifyStore(store.db);
    expect(fast.problems).toEqual([]);
    expect(fast.fromCheckpoint).toBe(Number(store.meta.get(META_CHECKPOINT)));
    expect(fast.samples).toBeLessThan(store.db.prepare('SELECT count(*) FROM samples').pluck().get() as number);
    const full = verifyStore(store.db, { full: true });
    expect(full.problems).toEqual([]);
    expect(full.fromCheckpoint).toBeNull();
    expect(full.samples).toBe(store.db.prepare('SELECT count(*) FROM samples').pluck().get());
  });

  it('keeps the samples of an undelivered record and of a cycle still open', () => {
    const r = store.retention(policy());
    cycle('AC-01', { delivered: false });
    // a cycle that started before everything else and is still running
    store.samples.add('AC-02', { ts: t, recvTs: t, cycleId: 'open-1', temp_c: 20 });
    store.saveOpenCycle('AC-02', { cycleId: 'open-1' });
    days(6, r, () => {
      cycle('AC-01');
      store.samples.add('AC-02', { ts: t, recvTs: t, cycleId: 'open-1', temp_c: 21 });
    });
    expect(firstSeq('samples', 'AC-01')).toBe(1);
    expect(store.samples.samplesOfCycle('open-1')).toHaveLength(7);
    expect(verifyStore(store.db, { full: true }).problems).toEqual([]);
    // delivered now: the next passes delete
    store.records.markDelivered(1, t);
    days(3, r, () => cycle('AC-01'));
    expect(firstSeq('samples', 'AC-01')).toBeGreaterThan(1);
    expect(store.samples.samplesOfCycle('open-1')).toHaveLength(7);
    expect(verifyStore(store.db).problems).toEqual([]);
  });

  it('sees tampering after the checkpoint by default, and before it with full', () => {
    const r = store.retention(policy());
    days(6, r, () => cycle('AC-01'));
    const cp = Number(store.meta.get(META_CHECKPOINT));
    const cpBody = store.records.get(cp)?.body as { samples: { seq: number }[] };
    const signedAt = cpBody.samples[0]?.seq as number;
    cycle('AC-01');
    const lo = firstSeq('samples', 'AC-01');
    const hi = store.db.prepare("SELECT max(seq) FROM samples WHERE device_id = 'AC-01'").pluck().get() as number;
    store.flush();
    // after the checkpoint: the default check sees it
    store.db.prepare("UPDATE samples SET temp_c = 99 WHERE device_id = 'AC-01' AND seq = ?").run(hi - 1);
    expect(verifyStore(store.db).problems.map((p) => `${p.table} ${p.seq} ${p.kind}`)).toContain(`samples ${hi - 1} hash`);
    // before it (still stored): only the full check reads it
    store.db.prepare("UPDATE samples SET temp_c = 99 WHERE device_id = 'AC-01' AND seq = ?").run(lo + 1);
    expect(verifyStore(store.db).problems.some((p) => p.seq === lo + 1)).toBe(false);
    expect(verifyStore(store.db, { full: true }).problems.map((p) => `${p.table} ${p.seq} ${p.kind}`)).toContain(`samples ${lo + 1} hash`);
    expect(signedAt).toBeGreaterThan(lo);
    // a row cut out of what is kept, right at the declared boundary: a deletion, not retention
    store.db.prepare("DELETE FROM samples WHERE device_id = 'AC-01' AND seq = ?").run(lo);
    expect(verifyStore(store.db, { full: true }).problems.map((p) => `${p.table} ${p.seq} ${p.kind}`)).toContain(`samples ${lo} gap`);
  });

  it('deletes records only after the legal 3 years and when delivered; the chain that remains verifies in full', () => {
    const r = store.retention(policy({ records: { maxAgeDays: 30 } })); // below the legal minimum: 1095 days rule
    for (let i = 0; i < 5; i++) {
      cycle('AC-01');
      cycle('AC-01');
      t += 400 * DAY_MS;
      pass(r);
    }
    const first = store.db.prepare('SELECT min(seq) FROM records').pluck().get() as number;
    expect(first).toBeGreaterThan(1);
    const oldest = store.records.get(first);
    expect(Date.parse(oldest?.ts ?? '')).toBeGreaterThan(t - 4 * 400 * DAY_MS); // nothing within 1095 days deleted
    expect(store.db.prepare('SELECT min(seq) FROM cycle_index').pluck().get()).toBeGreaterThanOrEqual(first);
    const full = verifyStore(store.db, { full: true });
    expect(full.problems).toEqual([]);
    expect(full.firstSeq).toBe(first);
    expect(verifyStore(store.db).problems).toEqual([]);
    // a record cut from the start beyond what the checkpoint declared is a deletion
    store.db.prepare('DELETE FROM records WHERE seq = ?').run(first);
    expect(verifyStore(store.db, { full: true }).problems.map((p) => `${p.table} ${p.seq} ${p.kind}`)).toContain(`records ${first} gap`);
  });

  it('writes no checkpoint on a young store', () => {
    const r = store.retention(policy());
    cycle('AC-01');
    t += 60 * 60_000;
    expect(pass(r)).toEqual({ checkpoint: null, deleted: 0 });
    expect(store.meta.get(META_CHECKPOINT)).toBeUndefined();
  });

  it('runs in the gateway as passes of small batches, telling the publisher of each checkpoint', async () => {
    days(3, store.retention(policy({ samples: {}, raw_lines: {} })), () => {
      cycle('AC-01');
      cycle('AC-02');
    }); // three days kept, with checkpoints
    const told: SignedRecord[] = [];
    const runner = new RetentionRunner(store.retention(policy({ batchRows: 10 })), policy({ batchRows: 10 }), logger, (r) => told.push(r));
    const first = runner.pass();
    expect(runner.pass()).toBe(first); // one pass at a time
    const r = await first;
    expect(r?.checkpoint).not.toBeNull();
    expect(told.map((x) => x.seq)).toEqual([r?.checkpoint]);
    expect(r?.batches).toBeGreaterThan(5); // at most 10 rows per transaction
    const rows = (r?.samples ?? 0) + (r?.raw_lines ?? 0);
    expect(rows).toBeLessThanOrEqual(10 * (r?.batches ?? 0));
    expect(rows).toBeGreaterThan(10 * ((r?.batches ?? 0) - 1)); // every batch but the last is full
    expect(verifyStore(store.db, { full: true }).problems).toEqual([]);
    runner.stop();
  });

  it('db verify says where it started; --full reads everything still stored', async () => {
    days(5, store.retention(policy()), () => cycle('AC-01'));
    store.close();
    const run = async (...args: string[]) => {
      const out = new PassThrough();
      const err = new PassThrough();
      const chunks: string[] = [];
      out.on('data', (c) => chunks.push(String(c)));
      err.on('data', (c) => chunks.push(String(c)));
      const status = await dbCommand({ argv: ['verify', ...args, '--data-dir', dataDir], stdout: out, stderr: err, env: {} });
      return { status, text: chunks.join('') };
    };
    const fast = await run();
    expect(fast.status).toBe(0);
    expect(fast.text).toMatch(/^intact: 1 records, \d+ samples, .* checked from the checkpoint at seq \d+ \(--full checks everything still stored\)/);
    const full = await run('--full');
    expect(full.status).toBe(0);
    expect(full.text).toMatch(/checked from the first record;/);
    expect((await run('--db', 'x.db')).status).toBe(2); // one of --db and --data-dir
  });
});
