import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../gateway/store/canonical-json.js';
import { openDatabase } from '../../gateway/store/database.js';
import { linesDigest } from '../../gateway/store/raw-log.js';
import { GENESIS_HASH } from '../../gateway/store/record.js';
import { type SampleInput, SampleLog } from '../../gateway/store/sample-log.js';
import { Store, type StoreContext } from '../../gateway/store/store.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { thrown } from '../helpers/thrown.js';

const logger = pino({ level: 'silent' });
let dataDir: string;
const open = (over: Partial<StoreContext> = {}) => {
  const s = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger, flushIntervalMs: 60_000, ...over });
  s.start();
  return s;
};
const sample = (i: number, over: Partial<SampleInput> = {}): SampleInput => ({
  ts: 1000 * i,
  recvTs: 1000 * i + 5,
  cycleId: 'c1',
  temp_c: 120 + i / 10,
  pressure_kpa: 210,
  phase: 'heating',
  deviceTime: 1000 * i,
  ...over,
});
const count = (s: Store, table = 'samples') => s.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-store-samples-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('sample chains', () => {
  it('chain per device: seq from 1, hash = sha256(prevHash + canonical sample incl. deviceId and seq)', () => {
    const s = open();
    s.samples.add('AC-01', sample(1));
    s.samples.add('WD-01', sample(1, { cycleId: 'w1', temp2_c: null, pressure_kpa: undefined, phase: 'wash' }));
    s.samples.add('AC-01', sample(2));
    s.flush();
    const [a1, a2] = s.samples.samplesOfCycle('AC-01', 'c1');
    expect(a1).toMatchObject({ deviceId: 'AC-01', seq: 1, temp2_c: null });
    const { hash: h1, ...f1 } = a1!;
    expect(h1).toBe(sha(GENESIS_HASH + canonicalJson(f1)));
    const { hash: h2, ...f2 } = a2!;
    expect(h2).toBe(sha(h1 + canonicalJson(f2)));
    expect(s.samples.head('AC-01')).toEqual({ seq: 2, hash: h2 });
    expect(s.samples.head('WD-01').seq).toBe(1);
    expect(s.samples.head('nobody')).toEqual({ seq: 0, hash: GENESIS_HASH });
    s.close();
  });

  it("finds a cycle's samples without an index on cycle_id: its run in the device's chain, not other devices' or cycles'", () => {
    const s = open();
    expect(s.db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'samples_cycle'").pluck().get()).toBe(0);
    for (let i = 1; i <= 3; i++) s.samples.add('AC-01', sample(i, { cycleId: 'c0' }));
    for (let i = 4; i <= 5; i++) s.samples.add('AC-01', sample(i, { cycleId: null }));
    for (let i = 6; i <= 9; i++) {
      s.samples.add('AC-01', sample(i, { cycleId: 'c1' }));
      s.samples.add('AC-02', sample(i, { cycleId: 'c1' })); // another device, same id: not this device's cycle
    }
    s.samples.add('AC-01', sample(10, { cycleId: null }));
    expect(s.samples.samplesOfCycle('AC-01', 'c1').map((x) => x.seq)).toEqual([6, 7, 8, 9]);
    expect(s.samples.samplesOfCycle('AC-01', 'c0').map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(s.samples.samplesOfCycle('AC-02', 'c1').map((x) => x.seq)).toEqual([1, 2, 3, 4]);
    expect(s.samples.samplesOfCycle('AC-01', 'nope')).toEqual([]);
    s.close();
  });

  it('continues each chain after a restart and resumes an open cycle from the store', () => {
    let s = open();
    for (let i = 1; i <= 5; i++) s.samples.add('AC-01', sample(i));
    s.saveOpenCycle('AC-01', { cycleId: 'c1', program: 'steam-134-4', phase: 'heating', startedAt: 1000 });
    s.close();
    s = open();
    expect(s.openCycles.devices()).toEqual(['AC-01']);
    expect(s.loadOpenCycle('AC-01')).toEqual({ cycleId: 'c1', program: 'steam-134-4', phase: 'heating', startedAt: 1000 });
    expect(s.samples.samplesOfCycle('AC-01', 'c1').map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
    s.samples.add('AC-01', sample(6));
    expect(s.samples.head('AC-01').seq).toBe(6);
    s.clearOpenCycle('AC-01');
    expect(s.loadOpenCycle('AC-01')).toBeNull();
    expect(s.verify()).toMatchObject({ ok: true, samples: 6 });
    s.close();
  });

  it('buffers until the batch is full, the timer ticks, or a flush; both logs in one transaction', async () => {
    const s = open({ maxBatch: 10, flushIntervalMs: 40 });
    for (let i = 1; i <= 9; i++) s.samples.add('AC-01', sample(i));
    s.raw.add('AC-01', { ts: 1, cycleId: 'c1', line: 'START' });
    expect([count(s), count(s, 'raw_lines')]).toEqual([0, 0]);
    s.samples.add('AC-01', sample(10)); // the 10th fills the batch: everything buffered is written
    expect([count(s), count(s, 'raw_lines')]).toEqual([10, 1]);
    s.samples.add('AC-01', sample(11));
    const t0 = Date.now();
    while (count(s) < 11 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(count(s)).toBe(11);
    s.close();
  });

  it('a failed write keeps the batch and the chain; the next flush writes it', () => {
    const s = open();
    s.samples.add('AC-01', sample(1));
    s.flush();
    s.db.exec("CREATE TRIGGER fail BEFORE INSERT ON sample_rows BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    s.samples.add('AC-01', sample(2));
    s.raw.add('AC-01', { ts: 2, cycleId: 'c1', line: 'x' });
    const err = thrown(() => s.flush());
    expect(isGatewayError(err, 'store.flush')).toBe(true);
    expect([s.samples.buffered, s.raw.buffered, count(s, 'raw_lines')]).toEqual([1, 1, 0]);
    s.db.exec('DROP TRIGGER fail');
    s.samples.add('AC-01', sample(3));
    expect(s.flush()).toBe(3);
    expect(s.verify()).toMatchObject({ ok: true, samples: 3, rawLines: 1 });
    s.close();
  });

  it('while writes fail, a full buffer drops its oldest entries and counts them', () => {
    const db = openDatabase(dataDir);
    const log = new SampleLog(db, { maxBatch: 2, maxBuffered: 4 }, logger);
    db.exec("CREATE TRIGGER fail BEFORE INSERT ON sample_rows BEGIN SELECT RAISE(ABORT, 'full'); END");
    for (let i = 1; i <= 7; i++) log.add('AC-01', sample(i));
    expect([log.buffered, log.dropped]).toEqual([4, 3]);
    db.exec('DROP TRIGGER fail');
    log.flush();
    expect(db.prepare('SELECT seq, ts FROM samples ORDER BY seq').raw().all()).toEqual([
      [1, 4000],
      [2, 5000],
      [3, 6000],
      [4, 7000],
    ]);
    db.close();
  });

  it('refuses a sample it cannot store at add(), never poisoning a batch', () => {
    const s = open();
    const errs: unknown[] = [];
    for (const bad of [sample(1, { temp_c: NaN }), sample(1, { ts: undefined as unknown as number }), sample(1, { phase: 'boil' as never })]) {
      try {
        s.samples.add('AC-01', bad);
      } catch (e) {
        errs.push(e);
      }
    }
    try {
      s.samples.add('', sample(1));
    } catch (e) {
      errs.push(e);
    }
    expect(errs.every((e) => isGatewayError(e, 'store.sample'))).toBe(true);
    expect(errs).toHaveLength(4);
    expect(s.samples.buffered).toBe(0);
    s.close();
  });
});

describe('raw device lines', () => {
  it('are kept per cycle in order, chained, and digested as sha256 of the lines joined by \\n', () => {
    const s = open();
    const lines = ['CYCLE 1234  PROGRAM 1', '10:00:01  STERILIZE  134.2C  304.1kPa', 'Ünïcode ok'];
    lines.forEach((line, i) => s.raw.add('AC-01', { ts: i, cycleId: 'c9', line }));
    s.raw.add('AC-01', { ts: 9, cycleId: null, line: 'idle' });
    expect(s.raw.linesOfCycle('c9').map((l) => l.line)).toEqual(lines);
    expect(s.raw.digestOfCycle('c9')).toBe(sha(lines.join('\n')));
    expect(linesDigest(lines)).toBe(sha(lines.join('\n')));
    expect(s.raw.head('AC-01').seq).toBe(4);
    expect(() => s.raw.add('AC-01', { ts: 1, cycleId: null, line: 'bad \ud800' })).toThrow(/well-formed/);
    s.close();
  });
});

describe('Store lifecycle', () => {
  it('close() writes what is buffered and is idempotent; use after close is store.closed', () => {
    const s = open();
    s.samples.add('AC-01', sample(1));
    s.raw.add('AC-01', { ts: 1, cycleId: null, line: 'l' });
    s.close();
    s.close();
    expect(() => s.samples).toThrow(/not open/);
    const again = open();
    expect([count(again), count(again, 'raw_lines')]).toEqual([1, 1]);
    expect(again.meta.get('gateway')).toBe('gw1');
    again.close();
  });

  it('start() is idempotent and the constructor touches nothing', () => {
    const s = new Store({ dataDir: path.join(dataDir, 'x'), site: 'h1', gateway: 'gw1', logger });
    expect(fs.existsSync(path.join(dataDir, 'x'))).toBe(false);
    s.start();
    s.start();
    expect(s.started).toBe(true);
    s.close();
  });
});
