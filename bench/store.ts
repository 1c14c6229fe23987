import { pathToFileURL } from 'node:url';
import { verifyStore } from '../gateway/store/audit.js';
import type { SampleInput } from '../gateway/store/sample-log.js';
import { withBenchStore } from './bench-store.js';

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

export function benchStore(opts: { samples?: number; devices?: number; records?: number } = {}): Record<string, number> {
  const total = opts.samples ?? 200_000;
  const devices = opts.devices ?? 4;
  const recordCount = opts.records ?? 300;
  return withBenchStore({ prefix: 'sterilink-bench-store-', flushIntervalMs: 250 }, (store) => {
    const ids = Array.from({ length: devices }, (_, i) => `AC-${String(i + 1).padStart(2, '0')}`);
    const t0 = 1_750_000_000_000;
    const sample = (i: number): SampleInput => ({
      ts: t0 + i * 1000,
      recvTs: t0 + i * 1000 + 3,
      cycleId: `cyc-${Math.floor(i / 3600)}`,
      temp_c: 134 + Math.sin(i / 50) * 0.7,
      temp2_c: 133.9 + Math.cos(i / 60) * 0.5,
      pressure_kpa: 304.2 + (i % 17) / 10,
      phase: 'sterilizing',
      deviceTime: t0 + i * 1000,
    });
    const perDevice = Math.ceil(total / devices);
    const inputs = Array.from({ length: perDevice }, (_, i) => sample(i));
    let start = performance.now();
    for (let i = 0; i < perDevice; i++) for (const id of ids) store.samples.add(id, inputs[i] as SampleInput);
    store.flush();
    const ingestMs = performance.now() - start;

    start = performance.now();
    for (let i = 0; i < recordCount; i++) store.append({ type: 'scan', device: 'SC-01', body: { raw: `0104150123456789${i}`, kind: 'gs1' } });
    const recordMs = performance.now() - start;

    const curve = Array.from({ length: 7200 }, (_, i) => ({ t_s: i, temp_c: 134.1 + (i % 7) / 100, temp2_c: 134, pressure_kpa: 304.5, phase: 'sterilizing' }));
    start = performance.now();
    store.append({ type: 'cycle', device: 'AC-01', body: { program: 'steam-134-4', verdict: 'pass', curve } });
    const cycleMs = performance.now() - start;

    const db = store.db;
    start = performance.now();
    const report = verifyStore(db);
    const auditMs = performance.now() - start;
    if (!report.ok) throw new Error(`bench store failed its own audit: ${JSON.stringify(report.problems[0])}`);
    return {
      ingestSamplesPerSec: rate(perDevice * devices, ingestMs),
      recordAppendPerSec: rate(recordCount, recordMs),
      cycleRecord7200Ms: Math.round(cycleMs * 10) / 10,
      auditRowsPerSec: rate(report.samples + report.records, auditMs),
    };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(benchStore()));
}
