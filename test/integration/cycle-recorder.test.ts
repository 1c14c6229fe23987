// The cycle recorder alone, on a real SQLite store: a cycle from its start to its signed, verified record,
// the open-cycle snapshot while it runs (and after a restart), and the changes it reports for the device state.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { CycleRecorder, type CycleSummary } from '../../gateway/device/cycle-recorder.js';
import { DeviceRecords } from '../../gateway/device/device-records.js';
import { SampleSink } from '../../gateway/device/sample-sink.js';
import { DB_FILE } from '../../gateway/store/database.js';
import { Store } from '../../gateway/store/index.js';
import { psatKpa } from '../../gateway/verify/steam-table.js';

const silent = pino({ level: 'silent' });
const device = configSchema.parse({
  site: 's',
  gateway: 'g',
  mqtt: { url: 'mqtt://127.0.0.1:1' },
  devices: [{ id: 'AC-01', type: 'steam-sterilizer', driver: 'printer-line', tcp: { host: '127.0.0.1', port: 1 }, clockDriftAlarmS: 0 }],
}).devices[0]!;

const dirs: string[] = [];
const connections: Database.Database[] = [];
afterEach(() => {
  for (const c of connections.splice(0)) if (c.open) c.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** SQLite itself refuses every record insert in the store at `dataDir` (as it would on a full disk or a lock): a
 * trigger put in by a second connection, until the returned function removes it (test/faults has the full disk
 * and the lock for real). */
function refuseRecords(dataDir: string): () => void {
  const other = new Database(path.join(dataDir, DB_FILE));
  connections.push(other);
  other.exec(`CREATE TRIGGER refuse_records BEFORE INSERT ON records BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  return () => {
    other.exec('DROP TRIGGER refuse_records');
    other.close();
  };
}

function rig(
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-recorder-')),
  defer?: (run: () => void) => void,
  onCycle?: () => void,
  log: pino.Logger = silent,
) {
  dirs.push(dataDir);
  const store = new Store({ dataDir, site: 's', gateway: 'g', logger: silent });
  store.start();
  const changes: string[] = [];
  const cycles: CycleSummary[] = [];
  let notified = 0;
  const output = { notifyRecords: () => void notified++ };
  let n = 0;
  const recorder = new CycleRecorder({
    device,
    store,
    output,
    log,
    now: Date.now,
    newId: () => `cycle-${++n}`,
    records: new DeviceRecords({ deviceId: 'AC-01', store, output, clock: () => ({ synchronized: true, step: null }) }),
    onChange: (kind) => changes.push(kind),
    onCycle: (c) => {
      cycles.push(c);
      onCycle?.();
    },
    ...(defer ? { defer } : {}),
  });
  const sink = new SampleSink({ deviceId: 'AC-01', store, output: { publishTelemetry: () => undefined } });
  return { store, recorder, sink, changes, cycles, dataDir, notified: () => notified };
}

/** A 134 °C cycle's events up to (not including) its end: the recorder tracks them, the sink stores the samples
 * (in this order, as the device session routes them). */
function run({ recorder, sink }: { recorder: CycleRecorder; sink: SampleSink }, t0: number, from = 0, to = 400): void {
  if (from === 0) recorder.handle({ kind: 'cycle-start', deviceId: 'AC-01', ts: t0, programNo: 1, cycleNo: 7 }, t0);
  for (let t = from; t < to; t++) {
    const phase = t < 60 ? 'heating' : t < 330 ? 'sterilizing' : 'exhaust';
    const temp = t < 60 ? 100 + t * 0.5 : t < 330 ? 134.6 : 120;
    const e = { kind: 'sample', deviceId: 'AC-01', ts: t0 + t * 1000, temp_c: temp, pressure_kpa: psatKpa(temp), phase } as const;
    recorder.handle(e, e.ts);
    sink.sample(e, recorder.current, e.ts);
  }
}

describe('cycle recorder', () => {
  it('with a defer, records a finished cycle in three deferred runs (or at stop), not inside the event that ended it', () => {
    const later: Array<() => void> = [];
    const r = rig(undefined, (run) => later.push(run));
    const t0 = Date.now() - 3_600_000;
    run(r, t0);
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 400_000, status: 'ok' }, t0 + 400_000);
    expect(r.recorder.current).toBeNull(); // the tracker moved on at once
    expect(r.store.records.get(1)).toBeUndefined(); // the record waits for the deferred runs
    expect(r.changes.at(-1)).not.toBe('finished');
    expect(later).toHaveLength(1);
    // verify and build, then canonicalize: each its own run, each asking for the next; nothing stored yet
    later[0]!();
    expect(later).toHaveLength(2);
    later[1]!();
    expect(later).toHaveLength(3);
    expect(r.store.records.get(1)).toBeUndefined();
    expect(r.changes.at(-1)).not.toBe('finished');
    // the third commits, and asks for no more
    later[2]!();
    expect(later).toHaveLength(3);
    expect(r.store.records.get(1)).toMatchObject({ type: 'cycle', body: { cycleId: 'cycle-1', verdict: 'pass' } });
    expect(r.store.verify().ok).toBe(true);
    expect(r.changes.at(-1)).toBe('finished');
    expect(r.cycles).toEqual([expect.objectContaining({ program: 'steam-134-4', verdict: 'pass', failed: [] })]);
    expect(r.store.loadOpenCycle('AC-01')).toBeNull();
    // a second cycle ending right before a stop: flushPending records it without the deferred runs, even
    // half-way through them
    run(r, t0 + 500_000);
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 900_000, status: 'ok' }, t0 + 900_000);
    later[3]!(); // built, not yet stored
    expect(r.store.records.get(2)).toBeUndefined();
    r.recorder.flushPending();
    expect(r.store.records.get(2)).toMatchObject({ type: 'cycle', body: { cycleId: 'cycle-2' } });
    later[4]!(); // the late deferred run finds nothing left to do
    expect(r.store.records.get(3)).toBeUndefined();
    expect(later).toHaveLength(5);
  });

  it.each([
    ['at once', false],
    ['with a defer', true],
  ])('a cycle listener that throws does not make a recorded cycle look unrecorded (it is recorded once): %s', (_, deferred) => {
    const later: Array<() => void> = [];
    const r = rig(undefined, deferred ? (run) => later.push(run) : undefined, () => {
      throw new Error('listener broke');
    });
    const t0 = Date.now() - 3_600_000;
    run(r, t0);
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 400_000, status: 'ok' }, t0 + 400_000);
    for (let i = 0; i < later.length; i++) later[i]!();
    expect(r.store.records.get(1)).toMatchObject({ type: 'cycle', body: { cycleId: 'cycle-1' } });
    r.recorder.tick(t0 + 401_000); // a retry would record it again
    r.recorder.tick(t0 + 402_000);
    expect(r.store.records.count()).toBe(1);
    expect(r.cycles).toHaveLength(1);
  });

  it('with a defer, a new cycle opening before the record is done: the record is committed first, then the new open state saved', () => {
    const later: Array<() => void> = [];
    const r = rig(undefined, (run) => later.push(run));
    const t0 = Date.now() - 3_600_000;
    run(r, t0);
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 400_000, status: 'ok' }, t0 + 400_000);
    later[0]!(); // built, not stored: the open state in the store is still the first cycle's
    expect(r.store.loadOpenCycle('AC-01')).toMatchObject({ cycleId: 'cycle-1' });
    run(r, t0 + 500_000, 0, 10); // the next cycle starts: a crash from here on would find no trace of the first one otherwise
    expect(r.store.records.get(1)).toMatchObject({ type: 'cycle', body: { cycleId: 'cycle-1' } });
    expect(r.store.loadOpenCycle('AC-01')).toMatchObject({ cycleId: 'cycle-2' });
    for (let i = 1; i < later.length; i++) later[i]!(); // the late runs find nothing to do
    expect(r.store.records.count()).toBe(1);
    expect(r.store.loadOpenCycle('AC-01')).toMatchObject({ cycleId: 'cycle-2' });
  });

  it.each([
    ['with a defer', true],
    ['at once', false],
  ])('a refused commit is retried, and the device cycle after it is not recorded ahead of it: %s', (_, deferred) => {
    const later: Array<() => void> = [];
    const r = rig(undefined, deferred ? (run) => later.push(run) : undefined);
    let next = 0;
    const drain = () => {
      while (next < later.length) later[next++]!(); // each deferred run once, as setImmediate would
    };
    const t0 = Date.now() - 3_600_000;
    const allow = refuseRecords(r.dataDir); // until before the tick
    run(r, t0);
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 400_000, status: 'ok' }, t0 + 400_000);
    drain(); // the commit is refused
    expect(r.store.records.count()).toBe(0);
    // the next cycle runs and ends, its steps come before the next tick
    run(r, t0 + 500_000, 0, 400);
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 900_000, status: 'ok' }, t0 + 900_000);
    drain();
    expect(r.store.records.count()).toBe(0); // it waits behind the refused one
    allow();
    r.recorder.tick(t0 + 901_000);
    expect(r.store.records.range(1).map((x) => x.body.cycleId)).toEqual(['cycle-1', 'cycle-2']);
    expect(r.store.loadOpenCycle('AC-01')).toBeNull();
    expect(r.changes.filter((c) => c === 'finished')).toHaveLength(2); // each once, when recorded: the device state is published again
  });

  it('while a record is refused, the ended cycle keeps its open state in the store until the record commits: the next cycle waits, a crash resumes the ended one', () => {
    const t0 = Date.now() - 3_600_000;
    const end = (r: ReturnType<typeof rig>, at: number) => r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: at, status: 'ok' }, at);

    // The store comes back: the ended cycle is recorded first, then the running one's state is saved.
    const r = rig();
    const allow = refuseRecords(r.dataDir);
    run(r, t0);
    end(r, t0 + 400_000);
    run(r, t0 + 500_000, 0, 200); // the next cycle opens and runs
    expect(r.store.loadOpenCycle('AC-01')).toMatchObject({ cycleId: 'cycle-1' });
    r.recorder.tick(t0 + 701_000);
    expect(r.store.loadOpenCycle('AC-01')).toMatchObject({ cycleId: 'cycle-1' });
    allow();
    r.recorder.tick(t0 + 702_000);
    expect(r.store.records.range(1).map((x) => x.body.cycleId)).toEqual(['cycle-1']);
    expect(r.store.loadOpenCycle('AC-01')).toMatchObject({ cycleId: 'cycle-2' });
    r.store.close();

    // The gateway dies while the record is refused: the next start resumes the ended cycle and records it.
    const first = rig();
    const allowFirst = refuseRecords(first.dataDir);
    run(first, t0);
    end(first, t0 + 400_000);
    run(first, t0 + 500_000, 0, 200);
    first.store.close(); // a crash: nothing more is tried
    allowFirst();
    const second = rig(first.dataDir);
    second.recorder.resume();
    expect(second.recorder.current).toMatchObject({ cycleId: 'cycle-1' });
    second.recorder.tick(Date.now() + device.idleTimeoutS * 1000 + 1000); // the device says no more of it: it ends at the idle timeout
    const body = second.store.records.get(1)?.body as { cycleId: string; interruptions: unknown[]; verdict: string } | undefined;
    expect(body).toMatchObject({ cycleId: 'cycle-1', verdict: 'fail' });
    expect(body?.interruptions).toHaveLength(1);
    second.store.close();
  });

  it('a held state whose cycle ended meanwhile: once both records commit, the recovery is logged (once)', () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const r = rig(undefined, undefined, undefined, log);
    const allow = refuseRecords(r.dataDir);
    const t0 = Date.now() - 3_600_000;
    run(r, t0);
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 400_000, status: 'ok' }, t0 + 400_000);
    run(r, t0 + 500_000, 0, 400); // its state is held behind the refused record
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 900_000, status: 'ok' }, t0 + 900_000);
    allow();
    r.recorder.tick(t0 + 901_000);
    r.recorder.tick(t0 + 902_000);
    expect(r.store.records.range(1).map((x) => x.body.cycleId)).toEqual(['cycle-1', 'cycle-2']);
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages.filter((m) => m === 'cycle state and records are stored again')).toHaveLength(1);
    r.store.close();
  });

  it('keeps the open cycle in the store while it runs and records it, verified and stamped, when it ends', () => {
    const r = rig();
    const t0 = Date.now() - 3_600_000;
    run(r, t0);
    expect(r.recorder.current).toMatchObject({ cycleId: 'cycle-1', cycleNo: 7 });
    expect(r.recorder.currentProgram).toBe('steam-134-4'); // device number 1 through the built-in map
    expect(r.store.loadOpenCycle('AC-01')).toMatchObject({ cycleId: 'cycle-1' });
    expect(r.changes).toEqual(['opened', 'phase', 'phase', 'phase']);
    r.store.flush();
    r.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 400_000, status: 'ok' }, t0 + 400_000);
    expect(r.changes.at(-1)).toBe('finished');
    expect(r.recorder.current).toBeNull();
    expect(r.store.loadOpenCycle('AC-01')).toBeNull();
    const rec = r.store.records.get(1)!;
    expect(rec).toMatchObject({
      type: 'cycle',
      device: 'AC-01',
      body: { cycleId: 'cycle-1', cycleNo: 7, program: 'steam-134-4', verdict: 'pass', clock: { synchronized: true, step: null } },
    });
    expect(r.cycles).toEqual([expect.objectContaining({ deviceId: 'AC-01', program: 'steam-134-4', cycleNo: 7, verdict: 'pass', failed: [] })]);
    expect(r.notified()).toBe(1);
    r.store.close();
  });

  it('resumes a cycle after a restart and records the interruption', () => {
    const first = rig();
    const t0 = Date.now() - 3_600_000;
    run(first, t0, 0, 200);
    first.store.close(); // flushes the batched samples // the gateway stops mid-cycle
    const second = rig(first.dataDir);
    second.recorder.resume();
    expect(second.recorder.current).toMatchObject({ cycleId: 'cycle-1', cycleNo: 7 });
    expect(second.recorder.current?.samples).toHaveLength(200);
    run(second, t0, 200, 400);
    second.recorder.handle({ kind: 'cycle-end', deviceId: 'AC-01', ts: t0 + 400_000, status: 'ok' }, t0 + 400_000);
    const body = second.store.records.get(1)!.body as { interruptions: unknown[]; cycleId: string };
    expect(body.cycleId).toBe('cycle-1');
    expect(body.interruptions).toHaveLength(1);
    second.store.close();
  });

  it('closes a silent cycle at the idle timeout on a tick', () => {
    const r = rig();
    const t0 = Date.now() - 3_600_000;
    run(r, t0, 0, 100);
    r.recorder.tick(t0 + 100_000 + device.idleTimeoutS * 1000);
    expect(r.changes.at(-1)).toBe('finished');
    expect(r.store.records.get(1)?.body).toMatchObject({ cycleId: 'cycle-1', end: { reason: 'idle-timeout' }, verdict: 'fail' });
    r.store.close();
  });
});
