// Steady state of the whole gateway (docs/performance.md): 16 simulated sterilizers at 1 Hz (real time) on TCP,
// the gateway as its own process (`sterilink run`), a private Mosquitto. Reports the gateway process'
// RSS and CPU (from /proc, so the simulators in this process do not count).

import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { NODE_ENV_SETTINGS, NODE_FLAGS } from '../cli/node-flags.js';
import { DB_FILE } from '../gateway/store/database.js';
import { runAutoclaveSimulator } from '../simulators/index.js';
import { freePort, Mosquitto } from './mosquitto.js';
import { median } from './stats.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/sterilink.js');

function procStat(pid: number): { cpuTicks: number; rssMb: number; writeBytes: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  const writeBytes = Number(/^write_bytes: (\d+)/m.exec(io)?.[1] ?? Number.NaN);
  return { cpuTicks: utime + stime, rssMb: (rssPages * 4096) / 1024 / 1024, writeBytes };
}

/** Samples and raw lines the gateway has written to its store so far (read-only, beside the running gateway). */
function storedRows(dataDir: string): number {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT (SELECT count(*) FROM samples) + (SELECT count(*) FROM raw_lines)').pluck().get() as number) ?? 0;
  } finally {
    db.close();
  }
}

/** The gateway's environment as the bin's #! line gives it (cli/node-flags.ts). */
function launchEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...Object.fromEntries(NODE_ENV_SETTINGS.map((s) => s.split('=', 2) as [string, string])) };
}

/** `http`: the web page on, with `liveClients` browsers' live feeds connected (bench/web.ts). `rssEveryMinutes`:
 * also report the RSS median of each such stretch of the window (`steadyRssAtMin<M>Mb`, M its end), for long runs.
 * `speed`: the simulators' speed (default 1, real time; more runs more cycles, and lines, per minute).
 * `extraNodeFlags`: node flags after the shipped ones (cli/node-flags.ts), to measure one before shipping it. */
export async function benchGateway(
  opts: {
    devices?: number;
    seconds?: number;
    http?: boolean;
    liveClients?: number;
    rssEveryMinutes?: number;
    speed?: number;
    extraNodeFlags?: readonly string[];
  } = {},
): Promise<Record<string, number>> {
  const devices = opts.devices ?? 16;
  const speed = opts.speed ?? 1;
  const seconds = opts.seconds ?? 30;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-bench-gw-'));
  const broker = await Mosquitto.start();
  const ports = await Promise.all(Array.from({ length: devices }, () => freePort()));
  const sims = new AbortController();
  setMaxListeners(devices * 4, sims.signal); // one listener per simulator and output: expected, not a leak
  const runs = ports.map((port, i) =>
    runAutoclaveSimulator({ tcpPort: port, program: 'steam-134-4', speed, cycles: 0, name: `B-${i}`, seed: i + 1, signal: sims.signal }).catch(() => undefined),
  );
  const cfg = path.join(dir, 'gw.yaml');
  const webPort = opts.http ? await freePort() : 0;
  fs.writeFileSync(
    cfg,
    stringify({
      site: 'bench',
      gateway: 'gw1',
      dataDir: path.join(dir, 'data'),
      mqtt: { url: broker.url },
      ...(opts.http ? { http: { listen: `127.0.0.1:${webPort}` } } : {}),
      devices: ports.map((port, i) => ({
        id: `AC-${String(i + 1).padStart(2, '0')}`,
        type: 'steam-sterilizer',
        driver: 'printer-line',
        tcp: { host: '127.0.0.1', port },
        program: 'steam-134-4',
      })),
    }),
  );
  const gw = spawn(process.execPath, [...NODE_FLAGS, ...(opts.extraNodeFlags ?? []), CLI, 'run', '--config', cfg, '--log-level', 'warn'], {
    stdio: 'ignore',
    env: launchEnv(),
  });
  const feeds: http.ClientRequest[] = [];
  try {
    await new Promise((r) => setTimeout(r, 5000)); // start-up and connections settle
    for (let i = 0; i < (opts.http ? (opts.liveClients ?? 1) : 0); i++) {
      // a browser on the board: reads (and drops) every live event
      feeds.push(http.get(`http://127.0.0.1:${webPort}/api/live`, (res) => res.resume()));
    }
    const hz = 100; // USER_HZ on Linux
    const dataDir = path.join(dir, 'data');
    const a = procStat(gw.pid as number);
    const rowsA = storedRows(dataDir);
    const t0 = performance.now();
    const rss: number[] = [];
    for (let s = 0; s < seconds; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      rss.push(procStat(gw.pid as number).rssMb);
    }
    const series: Record<string, number> = {};
    const stretch = (opts.rssEveryMinutes ?? 0) * 60;
    for (let end = stretch; stretch > 0 && end <= rss.length; end += stretch) {
      series[`steadyRssAtMin${end / 60}Mb`] = Math.round(median(rss.slice(end - stretch, end)) * 10) / 10;
    }
    const b = procStat(gw.pid as number);
    const rowsB = storedRows(dataDir);
    const wallS = (performance.now() - t0) / 1000;
    return {
      steadyDevices: devices,
      ...(speed !== 1 ? { steadySimSpeed: speed } : {}),
      steadySeconds: Math.round(wallS),
      steadyCpuPctOfOneCore: Math.round(((b.cpuTicks - a.cpuTicks) / hz / wallS) * 1000) / 10,
      steadyRssMb: Math.round(b.rssMb * 10) / 10,
      steadyPeakRssMb: Math.round(Math.max(a.rssMb, ...rss) * 10) / 10,
      ...series,
      // Over the window, by whole flushes (every 30 s): what reached the block layer per sample or raw line
      // stored. Checkpoints come every few minutes, so this is mostly the WAL; sdBytesPerSample has them.
      steadyDiskKbPerMin: Math.round(((b.writeBytes - a.writeBytes) / 1024 / wallS) * 60),
      steadyDiskBytesPerRow: rowsB > rowsA ? Math.round((b.writeBytes - a.writeBytes) / (rowsB - rowsA)) : -1,
    };
  } finally {
    for (const f of feeds) f.destroy();
    gw.kill('SIGTERM');
    sims.abort();
    await Promise.allSettled(runs);
    await broker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
