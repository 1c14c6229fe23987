// The in-process live feed: the device sessions' output (state, telemetry; the same calls the MQTT
// publisher gets, see output-tee.ts) folded into the board model, and new records (verdicts, alarms)
// read from the store when the gateway says records were appended. Browsers subscribe over SSE: a new
// one gets the whole board at once (snapshot), then changes. Samples are coalesced per device and sent
// every `flushMs`, so a fast machine (or a simulator at 60x) costs a few events a second per browser.
import type { ServerResponse } from 'node:http';
import { errorMessage } from '../../vocabulary/errors.js';
import type { Logger } from '../logger.js';
import type { Db } from '../store/database.js';
import type { BoardModel } from './board-model.js';
import type { BoardSnapshot, CurvePoint, SamplesEvent, Tile } from './live-wire.js';
import { SseClient } from './sse-client.js';

export interface OpenCycleSeed {
  cycleNo: number | string | null;
  samples: { ts: number; temp_c: number | null; temp2_c: number | null; pressure_kpa: number | null; phase: string | null }[];
}

export interface LiveHubContext {
  model: BoardModel;
  db: Db;
  logger: Logger;
  site: string;
  gateway: string;
  /** Device ids with a board tile, and how to read a cycle left open by the last run. */
  openCycle?: (deviceId: string) => OpenCycleSeed | null;
  flushMs?: number;
  maxClientBytes?: number;
  heartbeatMs?: number;
}

interface VerdictRow {
  seq: number;
  record_id: string;
  device: string | null;
  cycle_no: number | string | null;
  program: string | null;
  verdict: string | null;
  failed: string | null;
  ended_at: string | null;
}
interface AlarmRow {
  seq: number;
  device: string | null;
  json: string;
}

export class LiveHub {
  private readonly clients = new Set<SseClient>();
  private readonly pending = new Map<string, { key: string; points: CurvePoint[]; tile: Tile }>();
  private flushTimer: NodeJS.Timeout | null = null;
  private recordsScheduled = false;
  private lastSeq: number;
  private stopped = false;
  private readonly stmt;
  private failures = 0;

  constructor(private readonly ctx: LiveHubContext) {
    const db = ctx.db;
    this.stmt = {
      head: db.prepare('SELECT coalesce(max(seq), 0) FROM records').pluck(),
      verdicts: db.prepare('SELECT seq, record_id, device, cycle_no, program, verdict, failed, ended_at FROM cycle_index WHERE seq > ? ORDER BY seq LIMIT 500'),
      lastVerdict: db.prepare(
        'SELECT seq, record_id, device, cycle_no, program, verdict, failed, ended_at FROM cycle_index WHERE device = ? ORDER BY seq DESC LIMIT 1',
      ),
      alarms: db.prepare("SELECT seq, device, json FROM records WHERE seq > ? AND type = 'alarm' ORDER BY seq LIMIT 500"),
    };
    this.lastSeq = this.stmt.head.get() as number;
    for (const t of ctx.model.tiles()) {
      const v = this.stmt.lastVerdict.get(t.id) as VerdictRow | undefined;
      if (v) ctx.model.verdict(t.id, verdictOf(v));
      const open = ctx.openCycle?.(t.id);
      if (open?.samples.length) ctx.model.seed(t.id, open.samples, open.cycleNo);
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }

  snapshot(): BoardSnapshot {
    return { site: this.ctx.site, gateway: this.ctx.gateway, tiles: this.ctx.model.tiles(), curves: this.ctx.model.curves() };
  }

  // --- the device sessions' output (DeviceOutput) ---

  publishTelemetry(deviceId: string, payload: object): void {
    const r = this.ctx.model.telemetry(deviceId, payload);
    if (!r || !this.clients.size) return;
    const p = this.pending.get(deviceId);
    if (r.key === null || r.point === null) {
      if (!p) this.pending.set(deviceId, { key: r.key ?? '', points: [], tile: r.tile });
      else p.tile = r.tile;
    } else if (p && p.key === r.key) {
      p.points.push(r.point);
      p.tile = r.tile;
    } else {
      if (p) this.flush(); // a new cycle: what belongs to the old one goes first
      this.pending.set(deviceId, { key: r.key, points: [r.point], tile: r.tile });
    }
    this.flushTimer ??= setTimeout(() => this.flush(), this.ctx.flushMs ?? 250);
  }

  setDeviceState(deviceId: string, state: object): void {
    const tile = this.ctx.model.state(deviceId, state);
    if (tile) this.broadcastTile(tile);
  }

  /** Records were appended: verdicts and alarms are read from the store once the current call returns. */
  notifyRecords(): void {
    if (this.recordsScheduled || this.stopped) return;
    this.recordsScheduled = true;
    setImmediate(() => {
      this.recordsScheduled = false;
      try {
        this.readRecords();
        this.failures = 0;
      } catch (e) {
        // the page misses a verdict until the next record; the gateway's data is not affected
        if (this.failures++ === 0) this.ctx.logger.error({ err: errorMessage(e) }, 'web: could not read new records for the live board');
      }
    });
  }

  // --- browsers ---

  /** Streams to `res` until the browser goes away, is too slow, or the hub stops. */
  addClient(res: ServerResponse): SseClient {
    const client = new SseClient(res, {
      maxBufferedBytes: this.ctx.maxClientBytes ?? 1_000_000,
      heartbeatMs: this.ctx.heartbeatMs ?? 15_000,
      onClose: (c, reason) => {
        this.clients.delete(c);
        if (reason === 'slow')
          this.ctx.logger.warn(
            { clients: this.clients.size },
            'web: a live-feed client could not keep up and was disconnected (it reconnects with a fresh snapshot)',
          );
      },
    });
    if (client.send('snapshot', this.snapshot())) this.clients.add(client);
    return client;
  }

  stop(): void {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const c of [...this.clients]) c.close();
  }

  private readRecords(): void {
    for (const v of this.stmt.verdicts.all(this.lastSeq) as VerdictRow[]) {
      if (!v.device) continue;
      const tile = this.ctx.model.verdict(v.device, verdictOf(v));
      if (tile) this.broadcastTile(tile);
    }
    for (const a of this.stmt.alarms.all(this.lastSeq) as AlarmRow[]) {
      if (!a.device) continue;
      const body = (JSON.parse(a.json) as { body?: { code?: unknown; text?: unknown; at?: unknown } }).body ?? {};
      const tile = this.ctx.model.alarm(a.device, {
        code: String(body.code ?? '?'),
        text: String(body.text ?? ''),
        at: typeof body.at === 'string' ? body.at : '',
      });
      if (tile) this.broadcastTile(tile);
    }
    this.lastSeq = Math.max(this.lastSeq, this.stmt.head.get() as number);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const [id, p] of this.pending) {
      if (p.points.length) this.broadcast('samples', { tile: p.tile, key: p.key, points: p.points } satisfies SamplesEvent);
      else this.broadcast('tile', p.tile);
      this.pending.delete(id);
    }
  }

  private broadcastTile(tile: Tile): void {
    const p = this.pending.get(tile.id);
    if (p)
      p.tile = tile; // goes out with the next flush, after the samples it follows
    else this.broadcast('tile', tile);
  }

  private broadcast(event: string, data: unknown): void {
    if (!this.clients.size) return;
    const json = JSON.stringify(data);
    for (const c of [...this.clients]) c.sendJson(event, json);
  }
}

function verdictOf(v: VerdictRow) {
  return {
    recordId: v.record_id,
    seq: v.seq,
    cycleNo: v.cycle_no,
    program: v.program,
    verdict: v.verdict ?? 'unknown',
    failed: v.failed ? v.failed.split(',') : [],
    endedAt: v.ended_at,
  };
}
