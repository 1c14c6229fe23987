// What a cycle end costs the event loop (issue 10, item 11): the real Store on a real file, a 2-hour 1 Hz
// steam cycle, and the same steps as CycleRecorder.finish() (flush, verify, build, sign, commit). Reports the
// time of each step, a FULL against a NORMAL commit of the same row, and the event loop's delay while cycle
// ends run between 16 devices' worth of buffered samples (monitorEventLoopDelay at 1 ms, and the lateness
// of a 1 ms timer standing for another device's telemetry). Alone: `node dist/bench/record-commit.js`.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { applyGatewayFindings, cycleBody, traceOf } from '../gateway/cycle/cycle-record.js';
import type { FinishedCycle } from '../gateway/cycle/cycle-state.js';
import { canonicalJson } from '../gateway/store/canonical-json.js';
import { chainHash } from '../gateway/store/chained-log.js';
import { WAL_CHECKPOINT_BYTES, withSynchronous } from '../gateway/store/database.js';
import { signHash } from '../gateway/store/record-crypto.js';
import { Store } from '../gateway/store/store.js';
import { getProgram, type SteamProgram, verifyCycle } from '../gateway/verify/index.js';
import { median } from './stats.js';
import { twoHourSteamTrace } from './verify.js';

const DEVICES = 16;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function finishedCycle(deviceId: string, cycleNo: number, t0: number): FinishedCycle {
  const trace = twoHourSteamTrace();
  const samples = trace.samples.map((s) => ({
    ts: t0 + s.t * 1000,
    temp_c: s.temp_c,
    ...(s.temp2_c !== undefined ? { temp2_c: s.temp2_c } : {}),
    ...(s.pressure_kpa !== undefined ? { pressure_kpa: s.pressure_kpa } : {}),
    ...(s.phase ? { phase: s.phase } : {}),
  }));
  const phases: FinishedCycle['phases'] = [];
  for (const s of samples) if (s.phase && phases[phases.length - 1]?.phase !== s.phase) phases.push({ phase: s.phase, ts: s.ts });
  const endedAt = t0 + 7200_000;
  return {
    cycleId: `bench-${deviceId}-${cycleNo}`,
    deviceId,
    startedAt: t0,
    startSeen: true,
    program: 'steam-134-18',
    cycleNo,
    info: { operator: 'bench' },
    phases,
    samples,
    alarms: [],
    interruptions: [],
    lastRecvTs: endedAt,
    receivedStartedAt: t0,
    deviceStartedAt: t0,
    deviceClock: true,
    endedAt,
    endReason: 'device',
    endStatus: 'ok',
    receivedEndedAt: endedAt,
  };
}

/** Frames of the WAL not yet checkpointed (no I/O): it drops when a checkpoint ran, on any thread. */
function walWaiting(store: Store): number {
  const r = (store.db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[])[0];
  return r ? r.log - r.checkpointed : 0;
}

/** What CycleRecorder does with a finished cycle, step by step, timed: verify and build the body; canonicalize
 * it (prepare); sign and commit. Each of the three is a deferred run of its own (setImmediate), as in the gateway. */
async function finish(store: Store, c: FinishedCycle, steps: Record<string, number[]>): Promise<void> {
  const program = getProgram('steam-134-18') as SteamProgram;
  const lap = (name: string, t: number) => {
    const now = performance.now();
    (steps[name] ??= []).push(now - t);
    return now;
  };
  let t = performance.now();
  store.flush();
  t = lap('flushMs', t);
  const trace = traceOf(c, 400);
  const result = applyGatewayFindings(verifyCycle(trace, program), c);
  t = lap('verifyMs', t);
  const rawLines = store.raw.linesOfCycle(c.cycleId);
  const body = cycleBody({
    cycle: c,
    deviceType: 'steam-sterilizer',
    choice: { id: 'steam-134-18', source: 'device', program },
    program,
    trace,
    result,
    binding: { sampleChain: store.samples.head(c.deviceId), raw: { lines: rawLines.length, sha256: store.raw.digestOfCycle(c.cycleId) } },
  });
  lap('buildMs', t);
  await new Promise((r) => setImmediate(r));
  t = performance.now();
  const prepared = store.records.prepare({ type: 'cycle', device: c.deviceId, body });
  const prepareMs = lap('prepareMs', t) - t;
  await new Promise((r) => setImmediate(r));
  t = performance.now();
  store.records.appendPrepared(prepared, () => store.openCycles.clear(c.deviceId));
  (steps.appendMs ??= []).push(prepareMs + lap('commitMs', t) - t); // canonicalize onwards, as before the split
}

/** What SQLite's automatic checkpoint costs the commit that crosses WAL_CHECKPOINT_BYTES: ~4 MiB of WAL
 * (samples) written with the automatic checkpoint off, then one PASSIVE checkpoint, timed (it fsyncs the
 * WAL, copies the pages into the database file and fsyncs that: on the event loop, inside a commit). */
function checkpointCost(store: Store, ids: string[], t0: number): Record<string, number> {
  const db = store.db;
  const auto = Number(db.pragma('wal_autocheckpoint', { simple: true }));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  try {
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    let frames = 0;
    for (let i = 0; frames * pageSize < WAL_CHECKPOINT_BYTES; i++) {
      for (let j = 0; j < 300; j++)
        for (const id of ids) store.samples.add(id, { ts: t0 + (i * 300 + j) * 1000, recvTs: t0, cycleId: null, temp_c: 20 + j / 100, pressure_kpa: 101.3 });
      store.flush();
      frames = (db.pragma('wal_checkpoint(NOOP)') as { log: number }[])[0]?.log ?? 0;
    }
    const t = performance.now();
    db.pragma('wal_checkpoint(PASSIVE)');
    return { walCheckpointMs: round(performance.now() - t), walCheckpointMiB: round((frames * pageSize) / 2 ** 20, 1) };
  } finally {
    db.pragma(`wal_autocheckpoint = ${auto}`);
  }
}

/** The parts of append() one by one, on the body of one 2-hour cycle. */
function appendParts(store: Store, body: Record<string, unknown>): Record<string, number> {
  const runs = 9;
  const { privateKey } = generateKeyPairSync('ed25519');
  const canon: number[] = [];
  const parse: number[] = [];
  const hash: number[] = [];
  const sign: number[] = [];
  const full: number[] = [];
  const normal: number[] = [];
  let text = '';
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    text = canonicalJson(body);
    canon.push(performance.now() - t);
    t = performance.now();
    JSON.parse(text);
    parse.push(performance.now() - t);
    t = performance.now();
    const h = chainHash('0'.repeat(64), text);
    hash.push(performance.now() - t);
    t = performance.now();
    signHash(h, privateKey);
    sign.push(performance.now() - t);
  }
  // The same ~record-sized row committed both ways, in a scratch table (rolled back out of the chain).
  store.db.exec('CREATE TABLE IF NOT EXISTS bench_rows (id INTEGER PRIMARY KEY, json TEXT)');
  const ins = store.db.prepare('INSERT INTO bench_rows (json) VALUES (?)');
  for (let i = 0; i < runs; i++) {
    for (const [level, out] of [
      ['FULL', full],
      ['NORMAL', normal],
    ] as const) {
      const t = performance.now();
      withSynchronous(store.db, level, () => store.db.transaction(() => ins.run(text)).immediate());
      out.push(performance.now() - t);
    }
  }
  store.db.exec('DROP TABLE bench_rows');
  return {
    recordBodyKb: round(text.length / 1024, 0),
    canonicalizeMs: round(median(canon)),
    parseMs: round(median(parse)),
    hashMs: round(median(hash)),
    signMs: round(median(sign), 3),
    commitFullMs: round(median(full)),
    commitNormalMs: round(median(normal)),
  };
}

export async function benchRecordCommit(opts: { cycles?: number; dir?: string } = {}): Promise<Record<string, number>> {
  const cycles = opts.cycles ?? 12;
  const dataDir = fs.mkdtempSync(path.join(opts.dir ?? os.tmpdir(), 'sterilink-bench-record-'));
  const store = new Store({ dataDir, site: 'bench', gateway: 'gw', logger: pino({ level: 'silent' }) });
  store.start();
  try {
    const ids = Array.from({ length: DEVICES }, (_, i) => `AC-${String(i + 1).padStart(2, '0')}`);
    const t0 = 1_750_000_000_000;
    const steps: Record<string, number[]> = {};
    const stallMax: number[] = [];
    const all = monitorEventLoopDelay({ resolution: 1 }); // every counted window (~50 ms around each cycle end) in one histogram
    const timerLate: number[] = [];
    const publishAfter: number[] = [];
    let walCheckpoints = 0;
    let lastWal = -1;
    const checkpointStall: number[] = [];
    for (let k = -1; k < cycles; k++) {
      const c = finishedCycle(ids[(k + DEVICES) % DEVICES]!, k + 2, t0 + (k + 1) * 7200_000);
      const warmUp = k < 0; // the first cycle end compiles the code paths: not counted
      // 30 s of 16 devices' samples buffered, as at any moment between two batches; the cycle's own are in the chain
      for (let i = 0; i < 30; i++)
        for (const id of ids) store.samples.add(id, { ts: t0 + i * 1000, recvTs: t0 + i * 1000, cycleId: null, temp_c: 20, pressure_kpa: 101.3 });
      // a 1 ms timer stands for the next device's answer: how late it runs is how long its telemetry waited
      let late = 0;
      let ticking = true;
      let due = performance.now() + 1;
      const tick = () => {
        const now = performance.now();
        late = Math.max(late, now - due);
        due = now + 1;
        if (ticking) setTimeout(tick, 1);
      };
      setTimeout(tick, 1);
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      if (!warmUp) all.enable();
      await sleep(20);
      const seqBefore = store.records.head().seq;
      const tEnd = performance.now();
      await finish(store, c, warmUp ? {} : steps);
      // when would the drain see it? (the outbox's pending() is what the publisher reads)
      for (;;) {
        if (store.records.outbox.pending(seqBefore, 1).length > 0) break;
        await sleep(1);
      }
      const visibleMs = performance.now() - tEnd;
      await sleep(30);
      h.disable();
      all.disable();
      ticking = false;
      if (!warmUp) {
        publishAfter.push(visibleMs);
        stallMax.push(h.max / 1e6);
        timerLate.push(late);
      }
      const wal = walWaiting(store);
      if (wal < lastWal && !warmUp) {
        walCheckpoints++;
        checkpointStall.push(stallMax[stallMax.length - 1]!);
      }
      lastWal = wal;
      for (const s of c.samples) store.samples.add(c.deviceId, { ...s, recvTs: s.ts, cycleId: `bench-next-${k}` }); // the next cycle's chain
      store.flush();
      store.records.markDelivered(store.records.head().seq);
    }
    const last = finishedCycle(ids[0]!, 999, t0);
    const program = getProgram('steam-134-18') as SteamProgram;
    const trace = traceOf(last, 400);
    const body = cycleBody({
      cycle: last,
      deviceType: 'steam-sterilizer',
      choice: { id: 'steam-134-18', source: 'device', program },
      program,
      trace,
      result: verifyCycle(trace, program),
      binding: { sampleChain: { seq: 1, hash: '0'.repeat(64) }, raw: { lines: 0, sha256: '0'.repeat(64) } },
    });
    const parts = appendParts(store, body);
    const med = (name: string) => round(median(steps[name] ?? []));
    return {
      recordCycles: cycles,
      ...parts,
      recordFlushMs: med('flushMs'),
      recordVerifyMs: med('verifyMs'),
      recordBuildMs: med('buildMs'),
      recordAppendMs: med('appendMs'),
      recordPrepareMs: med('prepareMs'),
      recordCommitMs: med('commitMs'),
      recordAppendMaxMs: round(Math.max(...(steps.appendMs ?? [0]))),
      recordStallMaxMs: round(Math.max(...stallMax)),
      recordStallMedianMaxMs: round(median(stallMax)),
      recordStallP99Ms: round(all.percentile(99) / 1e6),
      recordTelemetryLateMaxMs: round(Math.max(...timerLate)),
      recordTelemetryLateMedianMs: round(median(timerLate)),
      recordVisibleAfterMs: round(median(publishAfter)),
      recordWalCheckpointsSeen: walCheckpoints,
      recordCheckpointStallMaxMs: round(Math.max(0, ...checkpointStall)),
      ...checkpointCost(store, ids, t0),
    };
  } finally {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  console.log(JSON.stringify(await benchRecordCommit(dir ? { dir } : {}), null, 2));
}
