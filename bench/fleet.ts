// Sizing a hospital group's broker (docs/deployment.md): N gateways, each a real `sterilink run` process
// with 4 simulated machines (3 steam sterilizers, 1 washer-disinfector) on TCP at accelerated speed, all
// publishing into one private Mosquitto; one consumer subscribed to every gateway's records.
// - fleetRecordsPerSec: records (cycle, release, alarm, …) the consumer received per second, measured
//   over the window after the first records arrive;
// - fleetRecordLatencyP50Ms / P99Ms / MaxMs: from the record's `ts` (made by the gateway) to its arrival
//   at the consumer, through the broker (same machine, so the same clock);
// - fleetRecordMeanBytes / MaxBytes: record sizes (a cycle record carries its whole curve);
// - fleetTelemetryPerSec: live telemetry messages (QoS 0) through the broker per second;
// - fleetGatewayRssMb: mean RSS of a gateway process at the end.
// At speed S each machine produces S times the data of a real one: 20 gateways at 60x stand for the
// traffic of 1200 gateways at real time, on this 2-core machine together with the broker and simulators
// (at 60x the 2 cores are saturated and latency shows the machine, not the broker: docs/deployment.md).
// Run alone: `node dist/bench/fleet.js [N] [speed] [seconds]`.
import { type ChildProcess, spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { NODE_FLAGS } from '../cli/node-flags.js';
import { runAutoclaveSimulator, runWasherSimulator } from '../simulators/index.js';
import { freePort, Mosquitto } from './mosquitto.js';
import { percentile } from './stats.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/sterilink.js');

export interface FleetBenchOptions {
  gateways?: number;
  speed?: number;
  seconds?: number;
}

function rssMb(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[21]) * 4096) / 1024 / 1024;
  } catch {
    return NaN;
  }
}

export async function benchFleet(opts: FleetBenchOptions = {}): Promise<Record<string, number>> {
  const n = opts.gateways ?? 20;
  const speed = opts.speed ?? 20;
  const seconds = opts.seconds ?? 60;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-bench-fleet-'));
  const broker = await Mosquitto.start({ extraConfig: ['set_tcp_nodelay true', 'max_queued_messages 0'] });
  const sims = new AbortController();
  setMaxListeners(n * 4 * 4, sims.signal); // several listeners per simulator: expected, not a leak
  const runs: Promise<unknown>[] = [];
  const gws: ChildProcess[] = [];
  const consumer = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clean: true });
  try {
    const latencies: number[] = [];
    let records = 0;
    const sizes: number[] = [];
    let telemetry = 0;
    let measuring = false;
    const online = new Set<string>();
    consumer.on('message', (topic, payload) => {
      if (topic.endsWith('/telemetry')) {
        if (measuring) telemetry++;
        return;
      }
      if (topic.endsWith('/status')) {
        if ((JSON.parse(payload.toString()) as { online?: boolean }).online) online.add(topic);
        return;
      }
      if (!topic.includes('/records/')) return;
      const at = Date.now();
      if (!measuring) return;
      records++;
      sizes.push(payload.length);
      latencies.push(at - Date.parse((JSON.parse(payload.toString()) as { ts: string }).ts));
    });
    await consumer.subscribeAsync('sterilink/v1/fleet/#', { qos: 1 });

    for (let g = 0; g < n; g++) {
      const devices = [];
      for (let m = 0; m < 4; m++) {
        const port = await freePort();
        const name = `G${g}-M${m}`;
        const common = { tcpPort: port, speed, cycles: 0, name, seed: g * 4 + m + 1, signal: sims.signal, waitForClient: true };
        const washer = m === 3;
        runs.push(
          (washer ? runWasherSimulator({ ...common, program: 'washer-a0-600' }) : runAutoclaveSimulator({ ...common, program: 'steam-134-4' })).catch(
            () => undefined,
          ),
        );
        devices.push({
          id: `${washer ? 'WD' : 'AC'}-0${m + 1}`,
          type: washer ? 'washer-disinfector' : 'steam-sterilizer',
          driver: 'printer-line',
          tcp: { host: '127.0.0.1', port },
          program: washer ? 'washer-a0-600' : 'steam-134-4',
          clockDriftAlarmS: 0, // the machines' clocks run `speed` times fast
          ...(washer ? {} : { dailyBowieDick: false }),
        });
      }
      const cfg = path.join(dir, `gw${g}.yaml`);
      fs.writeFileSync(cfg, stringify({ site: 'fleet', gateway: `gw${g}`, dataDir: path.join(dir, `data${g}`), mqtt: { url: broker.url }, devices }));
      gws.push(spawn(process.execPath, [...NODE_FLAGS, CLI, 'run', '--config', cfg, '--log-level', 'warn'], { stdio: 'ignore' }));
    }
    const startDeadline = Date.now() + 120_000;
    while (online.size < n) {
      if (Date.now() > startDeadline) throw new Error(`only ${online.size} of ${n} gateways came online`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Warm up: the first cycles end; then measure over the window.
    await new Promise((r) => setTimeout(r, 5000));
    measuring = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    measuring = false;
    const wallS = (performance.now() - t0) / 1000;
    const rss = gws.map((p) => rssMb(p.pid!)).filter((x) => Number.isFinite(x));
    const round = (x: number, d = 1) => Number(x.toFixed(d));
    return {
      fleetGateways: n,
      fleetMachines: n * 4,
      fleetSpeed: speed,
      fleetSeconds: round(wallS, 0),
      fleetRecords: records,
      fleetRecordsPerSec: round(records / wallS),
      fleetRecordLatencyP50Ms: percentile(latencies, 50),
      fleetRecordLatencyP99Ms: percentile(latencies, 99),
      fleetRecordLatencyMaxMs: percentile(latencies, 100),
      fleetRecordMeanBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)),
      fleetRecordMaxBytes: Math.max(0, ...sizes),
      fleetTelemetryPerSec: round(telemetry / wallS),
      fleetGatewayRssMb: round(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)),
    };
  } finally {
    for (const p of gws) p.kill('SIGTERM');
    await Promise.all(gws.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : undefined)));
    sims.abort();
    await Promise.allSettled(runs);
    await consumer.endAsync(true);
    await broker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [g, s, t] = process.argv.slice(2).map(Number);
  const figures = await benchFleet({ ...(g ? { gateways: g } : {}), ...(s ? { speed: s } : {}), ...(t ? { seconds: t } : {}) });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}
