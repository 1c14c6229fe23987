// Bytes written to the SD card per stored sample (docs/performance.md, "SD card"): the real Store, with its
// default batching, fed by 16 simulated sterilizers at 1 Hz for two hours of simulated time: each runs a
// 1 157 s cycle (a saved open-cycle state at every phase change, a cycle record at its end) and idles
// 90 s of it. The flush timer is driven by the simulated clock, so two hours take a few seconds.
// Counted from /proc/self/io: `wchar` (bytes this process handed to write(): WAL frames, checkpoints,
// everything, before the kernel merges rewrites of a page; the figure the budget is held to) and
// `write_bytes` (pages the kernel sent to the block layer). Run alone: `node dist/bench/sd-writes.js`.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { FLUSH_INTERVAL_MS } from '../gateway/store/store.js';
import type { Phase } from '../vocabulary/phases.js';
import { withBenchStoreAsync } from './bench-store.js';

const CYCLE_S = 1157;
const IDLE_S = 90;
const PHASE_EVERY_S = 55; // ~21 phase changes a cycle, as the footprint job's pre-vacuum cycle
const PHASES: Phase[] = ['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying'];

function io(): { wchar: number; writeBytes: number } {
  const text = fs.readFileSync('/proc/self/io', 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { wchar: field('wchar'), writeBytes: field('write_bytes') };
}

export async function benchSdWrites(opts: { devices?: number; seconds?: number } = {}): Promise<Record<string, number>> {
  const devices = opts.devices ?? 16;
  const seconds = opts.seconds ?? 7200;
  return withBenchStoreAsync({ prefix: 'sterilink-bench-sd-', flushIntervalMs: 3_600_000 }, async (store) => {
    const ids = Array.from({ length: devices }, (_, i) => `D${i + 1}`);
    const cycles = ids.map(() => randomUUID());
    const t0 = Date.UTC(2026, 0, 5, 8);
    const before = io();
    let stored = 0;
    for (let s = 0; s < seconds; s++) {
      const ts = t0 + s * 1000;
      ids.forEach((id, i) => {
        const at = (s + Math.floor(((i * 0.618) % 1) * CYCLE_S)) % CYCLE_S; // the fleet spread over the cycle
        const running = at < CYCLE_S - IDLE_S;
        if (at === CYCLE_S - IDLE_S) {
          const curve = Array.from({ length: CYCLE_S - IDLE_S }, (_, k) => ({ t_s: k, temp_c: 134.1, pressure_kpa: 304.5 }));
          store.append({ type: 'cycle', device: id, body: { cycleId: cycles[i], verdict: 'pass', curve } });
          store.clearOpenCycle(id);
          cycles[i] = randomUUID();
        }
        if (running && at % PHASE_EVERY_S === 0) store.saveOpenCycle(id, { cycleId: cycles[i], phase: PHASES[(at / PHASE_EVERY_S) % PHASES.length] });
        store.samples.add(id, {
          ts,
          recvTs: ts + 3,
          cycleId: running ? (cycles[i] as string) : null,
          temp_c: 20 + ((at * 7 + i) % 1150) / 10 + (s % 3) * 0.01,
          temp2_c: i % 4 === 3 ? 20 + ((at * 7) % 1150) / 10 : null,
          pressure_kpa: 100 + ((at * 13 + i) % 2200) / 10,
          phase: running ? (PHASES[Math.floor(at / PHASE_EVERY_S) % PHASES.length] as Phase) : null,
          deviceTime: ts,
        });
        stored++;
      });
      if (((s + 1) * 1000) % FLUSH_INTERVAL_MS === 0) {
        store.flush(); // the flush timer, on the simulated clock
        await store.settleWrites(); // its WAL fsync, and the checkpoint it may start on a worker thread, as in the gateway
      }
    }
    store.flush();
    await store.settleWrites();
    const after = io();
    return {
      sdSimDevices: devices,
      sdSimHours: seconds / 3600,
      sdFlushIntervalS: FLUSH_INTERVAL_MS / 1000,
      sdBytesPerSample: Math.round((after.wchar - before.wchar) / stored),
      sdBlockBytesPerSample: Math.round((after.writeBytes - before.writeBytes) / stored),
    };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await benchSdWrites(), null, 2)}\n`);
}
