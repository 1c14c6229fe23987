// A year of a CSSD on one gateway (issue 10 item 6): 20 machines x 10 cycles a day x 365 days = 73 000
// cycle records, each with its curve, its samples and (printer machines) raw lines, delivered as they
// are made; retention runs at the end of every simulated day with the default policy (samples and
// raw lines 90 days, records 3 years, a checkpoint a day). Then `db verify` is timed as the CLI runs
// it: from the last checkpoint (the default) and --full. Figures: docs/performance.md.
// Run alone: `node dist/bench/retention.js` (BENCH_YEAR_DAYS, BENCH_YEAR_SAMPLES scale it down or up). The store
// is made in /dev/shm when there is one (BENCH_DIR overrides): the figures are CPU, not the fsync of each record.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { verifyStore } from '../gateway/store/audit.js';
import { DB_FILE } from '../gateway/store/database.js';
import { DAY_MS, DEFAULT_RETENTION } from '../gateway/store/retention.js';
import { Store } from '../gateway/store/store.js';

export interface YearOptions {
  days?: number;
  machines?: number;
  cyclesPerDay?: number;
  /** Samples per cycle: a printer ticket line every ~45 s over a 45-minute cycle is 60. */
  samplesPerCycle?: number;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function benchRetentionYear(opts: YearOptions = {}): Record<string, number> {
  const days = opts.days ?? 365;
  const machines = opts.machines ?? 20;
  const perDay = opts.cyclesPerDay ?? 10;
  const perCycle = opts.samplesPerCycle ?? 60;
  const dataDir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()), 'sterilink-bench-year-'));
  const T0 = Date.parse('2025-01-01T00:00:00Z');
  let t = T0;
  const store = new Store({ dataDir, site: 'bench', gateway: 'gw', logger: pino({ level: 'silent' }), now: () => t, flushIntervalMs: 3_600_000 });
  const ids = Array.from({ length: machines }, (_, i) => `${i % 2 ? 'WD' : 'AC'}-${String(i + 1).padStart(2, '0')}`);
  const policy = DEFAULT_RETENTION;
  let maxBatchMs = 0;
  let batches = 0;
  let batchMs = 0;
  let retentionMs = 0;
  let checkpoints = 0;
  let deleted = 0;
  const start = performance.now();
  try {
    store.start();
    const retention = store.retention(policy);
    let cycleNo = 0;
    /** The day's cycles `from` to `to` (exclusive) on every machine, each delivered once made. */
    const cyclesOf = (d: number, from: number, to: number) => {
      for (let c = from; c < to; c++) {
        for (const [m, device] of ids.entries()) {
          const cycleId = `${device}-${++cycleNo}`;
          const begin = T0 + d * DAY_MS + c * 2 * 3_600_000 + m * 60_000;
          const printer = m % 2 === 0;
          const t_s: number[] = [];
          const temp: number[] = [];
          const press: number[] = [];
          for (let i = 0; i < perCycle; i++) {
            const ts = begin + i * 45_000;
            const phase = i < perCycle * 0.3 ? 'conditioning' : i < perCycle * 0.7 ? 'sterilizing' : 'drying';
            const temp_c = phase === 'sterilizing' ? 134.2 + ((i * 7) % 5) / 10 : 60 + i;
            const pressure_kpa = phase === 'sterilizing' ? 304 + ((i * 3) % 7) / 10 : 100 + (i % 30);
            store.samples.add(device, { ts, recvTs: ts + 40, cycleId, temp_c, temp2_c: temp_c - 0.1, pressure_kpa, phase, deviceTime: ts });
            if (printer) store.raw.add(device, { ts, cycleId, line: `${String(i).padStart(4)} ${temp_c.toFixed(1)} ${pressure_kpa.toFixed(1)}` });
            t_s.push(i * 45);
            temp.push(round(temp_c, 2));
            press.push(round(pressure_kpa, 2));
          }
          t = begin + perCycle * 45_000;
          const sampleChain = store.sampleChainRef(device);
          const rec = store.append({
            type: 'cycle',
            device,
            body: {
              cycleId,
              device,
              program: printer ? 'steam-134-4' : 'washer-a0-3000',
              cycleNo,
              startedAt: new Date(begin).toISOString(),
              endedAt: new Date(t).toISOString(),
              verdict: 'pass',
              criteria: ['temperature_band', 'hold_time', 'saturated_steam', 'data_complete', 'device_result'].map((id) => ({
                id,
                pass: true,
                measured: 134.4,
                limit: 134,
                unit: '°C',
                detail: 'within limits',
              })),
              curve: { t0: new Date(begin).toISOString(), t_s, temp_c: temp, pressure_kpa: press },
              samples: { count: perCycle, chainSeq: sampleChain.seq, chainHash: sampleChain.hash },
              sampleChain,
              ...(printer ? { rawChain: store.rawChainRef(device) } : {}),
              load: { items: [], indicators: [] },
            },
          });
          store.records.markDelivered(rec.seq, t + 50);
        }
      }
    };
    for (let d = 0; d < days; d++) {
      cyclesOf(d, 0, perDay);
      // end of the day: the gateway's retention pass
      t = T0 + (d + 1) * DAY_MS;
      const r0 = performance.now();
      const cp = retention.checkpointIfDue();
      if (cp) {
        checkpoints++;
        store.records.markDelivered(cp.seq, t);
      }
      for (;;) {
        const b0 = performance.now();
        const n = retention.deleteBatch();
        const total = n.samples + n.raw_lines + n.records;
        const ms = performance.now() - b0;
        maxBatchMs = Math.max(maxBatchMs, ms);
        if (total === 0) break;
        batches++;
        batchMs += ms;
        deleted += total;
      }
      retentionMs += performance.now() - r0;
      if (d % 30 === 29) process.stderr.write(`bench: year: day ${d + 1}/${days}, ${Math.round((performance.now() - start) / 1000)} s\n`);
    }
    // the morning after: half a day's cycles since the last checkpoint, as `db verify` meets them at noon
    cyclesOf(days, 0, Math.floor(perDay / 2));
    const count = (table: string) => store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    const figures = {
      yearRecords: count('records'),
      yearSamplesKept: count('samples'),
      yearRawLinesKept: count('raw_lines'),
      yearRowsDeleted: deleted,
      yearCheckpoints: checkpoints,
      yearRetentionBatches: batches,
      yearRetentionMeanBatchMs: round(batches ? batchMs / batches : 0, 2),
      yearRetentionMaxBatchMs: round(maxBatchMs),
      yearRetentionTotalS: round(retentionMs / 1000),
      yearSimulateS: round((performance.now() - start) / 1000),
    };
    store.close();
    const dbBytes = fs.statSync(path.join(dataDir, DB_FILE)).size;
    let v0 = performance.now();
    const fast = verifyStore(dataDir);
    const verifyMs = performance.now() - v0;
    v0 = performance.now();
    const full = verifyStore(dataDir, { full: true });
    const fullMs = performance.now() - v0;
    if (!fast.ok || !full.ok) throw new Error(`bench year failed its own audit: ${JSON.stringify((fast.problems[0] ?? full.problems[0]) as object)}`);
    return {
      ...figures,
      yearDbMiB: round(dbBytes / 2 ** 20),
      yearVerifyS: round(verifyMs / 1000, 2),
      yearVerifyRecords: fast.records,
      yearVerifyFullS: round(fullMs / 1000, 1),
      yearVerifyFullRecords: full.records,
      yearVerifyFullSamples: full.samples,
    };
  } finally {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = (k: string) => (process.env[k] ? Number(process.env[k]) : undefined);
  const o: YearOptions = {};
  const days = env('BENCH_YEAR_DAYS');
  const samples = env('BENCH_YEAR_SAMPLES');
  if (days !== undefined) o.days = days;
  if (samples !== undefined) o.samplesPerCycle = samples;
  console.log(JSON.stringify(benchRetentionYear(o), null, 2));
}
