// The web page's costs (issue 11): the gateway's RSS and CPU with the page off and on (16 devices at
// 1 Hz, one browser on the live board), and the history's queries on a store of 100 000 cycle records
// (plus one release record each): first page, a filtered page, a date range, a page deep in the past
// (keyset), an item search and the release queue. Records are written straight into `records` (not
// signed: the queries do not read signatures) so the lookup tables are filled by their triggers, as in
// the gateway; their cost per record is reported too.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordQueries } from '../gateway/http/record-queries.js';
import { openDatabase } from '../gateway/store/index.js';
import { benchGateway } from './gateway.js';
import { median } from './stats.js';

const GS = '\u001d';
const DEVICES = 16;

/** A cycle body in the gateway's shape with a 120-point curve (≈ 4 kB: list queries never read it). */
function cycleBody(i: number, startedAt: number): Record<string, unknown> {
  const fail = i % 23 === 0;
  const n = 120;
  const t = Array.from({ length: n }, (_, k) => k * 10);
  const temp = t.map((s) => Math.round((s < 300 ? 80 + s / 6 : s < 900 ? 134.4 + Math.sin(s) * 0.3 : 134 - (s - 900) / 10) * 100) / 100);
  const crit = (id: string, pass: boolean | null, detail: string) => ({ id, pass, measured: 1, limit: 1, unit: 's', detail });
  const items =
    i % 3 === 0
      ? Array.from({ length: 8 }, (_, k) => ({
          raw: `]d20104000000000174${GS}21SET-${i}-${k}`,
          kind: 'gs1',
          gtin: '04000000000174',
          serial: `SET-${i}-${k}`,
          implant: false,
          expired: false,
          at: new Date(startedAt - 60_000).toISOString(),
        }))
      : [];
  return {
    cycleId: `cyc-${i}`,
    device: `AC-${String((i % DEVICES) + 1).padStart(2, '0')}`,
    deviceType: 'steam-sterilizer',
    program: i % 5 === 0 ? 'steam-121-20' : 'steam-134-4',
    cycleNo: 1000 + Math.floor(i / DEVICES),
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(startedAt + 1_200_000).toISOString(),
    info: { operator: `OP${i % 40}`, loadId: `T-${i}` },
    verdict: fail ? 'fail' : 'pass',
    criteria: [
      crit('hold_time', !fail, 'drain within 134–137 °C continuously t=300–900 s (600 s)'),
      crit('temp_band', true, 'sterilizing 134.1–134.7 °C'),
      crit('saturated_steam', true, 'T − T_sat(p) within ±2 K'),
      crit('data_complete', true, '121 samples'),
    ],
    hold: { start: 300, end: 900, seconds: 600 },
    stats: { durationS: 1190, samples: n },
    curve: { t0: new Date(startedAt).toISOString(), t_s: t, temp_c: temp, pressure_kpa: temp.map((x) => Math.round(x * 2.2 * 10) / 10) },
    load: items.length
      ? { loadId: `L-${i}`, operator: 'OP1', station: 'AC-01', items, bi: null, indicators: [], implant: false, expired: 0 }
      : { items: [], indicators: [] },
  };
}

function time<T>(fn: () => T, repeat = 15): { firstMs: number; medianMs: number; result: T } {
  const t0 = performance.now();
  const result = fn();
  const firstMs = performance.now() - t0;
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const a = performance.now();
    fn();
    runs.push(performance.now() - a);
  }
  return { firstMs, medianMs: median(runs), result };
}

const ms = (x: number) => Math.round(x * 100) / 100;

export function benchHistory(cycles = 100_000): Record<string, number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-bench-web-'));
  const db = openDatabase(dir);
  try {
    const insert = db.prepare('INSERT INTO records (seq, id, type, device, ts, json, hash, prev_hash, sig, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const perDayPerDevice = cycles / DEVICES / 365;
    const spacingMs = 86_400_000 / (perDayPerDevice * DEVICES); // a year of cycles, all devices interleaved
    const fake = '0'.repeat(64);
    let seq = 0;
    let bytes = 0;
    const started = performance.now();
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const at = t0 + i * spacingMs;
        const body = cycleBody(i, at);
        const device = body.device as string;
        const rec = {
          schema: 'sterilink.record/1',
          id: randomUUID(),
          seq: ++seq,
          type: 'cycle',
          ts: new Date(at + 1_200_000).toISOString(),
          site: 'bench',
          gateway: 'gw1',
          device,
          body,
        };
        const json = JSON.stringify(rec);
        bytes += json.length;
        insert.run(seq, rec.id, 'cycle', device, rec.ts, json, fake, fake, 'sig', 'bench');
        const release = {
          ...rec,
          id: randomUUID(),
          seq: ++seq,
          type: 'release',
          body: {
            loadId: `L-${i}`,
            cycleId: body.cycleId,
            cycleNo: body.cycleNo,
            device,
            cycleKind: 'load',
            status: body.verdict === 'fail' ? 'quarantined' : i % 50 === 0 ? 'awaiting-bi' : 'released',
            reasonCode: body.verdict === 'fail' ? 'cycle-failed' : 'checks-passed',
            reason: 'bench',
            operator: null,
            at: rec.ts,
          },
        };
        insert.run(seq, release.id, 'release', device, rec.ts, JSON.stringify(release), fake, fake, 'sig', 'bench');
      }
    });
    for (let i = 0; i < cycles; i += 5000) batch(i, Math.min(cycles, i + 5000));
    const insertS = (performance.now() - started) / 1000;
    db.pragma('optimize');
    const q = new RecordQueries(db);
    const first = time(() => q.history({}, { limit: 50 }));
    const filtered = time(() => q.history({ device: 'AC-07', verdict: 'fail' }, { limit: 50 }));
    const week = time(() => q.history({ from: '2025-06-01T00:00:00.000Z', to: '2025-06-08T00:00:00.000Z' }, { limit: 50 }));
    // 1800 pages back: the keyset cursor of the 90 000th newest cycle
    const deepCursor = db.prepare('SELECT started_at AS startedAt, seq FROM cycle_index ORDER BY started_at DESC, seq DESC LIMIT 1 OFFSET 90000').get() as {
      startedAt: string;
      seq: number;
    };
    const deep = time(() => q.history({}, { limit: 50, before: deepCursor }));
    const middle = Math.floor(cycles / 6) * 3; // a cycle in the middle of the year with a load of trays
    const item = time(() => q.cyclesWithItem(`]d20104000000000174${GS}21SET-${middle}-3`));
    if (item.result.length !== 1) throw new Error(`item search found ${item.result.length} cycles, expected 1`);
    const queue = time(() => [q.heldLoads(), q.blockedLoads('2025-12-24T00:00:00.000Z')]);
    return {
      webHistoryCycles: cycles,
      webHistoryStoreMb: Math.round(fs.statSync(path.join(dir, 'sterilink.db')).size / 1e6),
      webHistoryInsertUsPerRecord: Math.round((insertS * 1e6) / (cycles * 2)),
      webHistoryRecordKb: Math.round(bytes / cycles / 2 / 100) / 10,
      webHistoryFirstPageMs: ms(first.medianMs),
      webHistoryFirstPageColdMs: ms(first.firstMs),
      webHistoryFilteredPageMs: ms(filtered.medianMs),
      webHistoryWeekPageMs: ms(week.medianMs),
      webHistoryDeepPageMs: ms(deep.medianMs),
      webItemSearchMs: ms(item.medianMs),
      webQueueMs: ms(queue.medianMs),
    };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The gateway process with the page off, then on with one browser on the live board (same load). */
export async function benchWebRss(seconds = 20): Promise<Record<string, number>> {
  const off = await benchGateway({ seconds });
  const on = await benchGateway({ seconds, http: true, liveClients: 1 });
  return {
    webOffRssMb: off.steadyRssMb as number,
    webOnRssMb: on.steadyRssMb as number,
    webOffPeakRssMb: off.steadyPeakRssMb as number,
    webOnPeakRssMb: on.steadyPeakRssMb as number,
    webOffCpuPctOfOneCore: off.steadyCpuPctOfOneCore as number,
    webOnCpuPctOfOneCore: on.steadyCpuPctOfOneCore as number,
  };
}
