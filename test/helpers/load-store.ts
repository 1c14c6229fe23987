// The load workflow on a real SQLite store, one gateway life (open store, new LoadWorkflow, close) per step,
// as a restart between any two steps would leave it: scans at AC-01's station, cycles with their hand-off and
// cycle record, BI reader results, and the records written. Each harness owns a temp data dir and a clock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { LoadPolicy } from '../../gateway/load/load-policy.js';
import { LoadWorkflow, type ScanResult } from '../../gateway/load/load-workflow.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { Store } from '../../gateway/store/store.js';
import type { BiResultEvent } from '../../vocabulary/device-event.js';
import { checkPayload } from './payload-schemas.js';

export const MIN = 60_000;
const silent = pino({ level: 'silent' });

export interface LoadStore {
  dataDir: string;
  clock: number;
  life<T>(fn: (w: LoadWorkflow, store: Store) => T): T;
  /** Each scan 5 s after the previous one, in its own gateway life. */
  scan(...raws: string[]): ScanResult[];
  /** A cycle on AC-01: takeLoad at its start, the cycle record `minutes` later (default 45). */
  cycle(
    cycleId: string,
    opts?: { pass?: boolean; minutes?: number },
  ): { contents: ReturnType<LoadWorkflow['takeLoad']>; state: ReturnType<LoadWorkflow['onCycleRecorded']> };
  /** A BI-01 result a minute later. */
  bi(e: Partial<BiResultEvent> & Pick<BiResultEvent, 'well' | 'lot' | 'result'>): SignedRecord;
  status(loadId: string): string | undefined;
  records(type?: string): SignedRecord[];
  /** Every record of these types against its published JSON Schema (docs/schemas): the violations, none expected. */
  schemaProblems(types: readonly string[]): string[];
  close(): void;
}

export function loadStore(policy: LoadPolicy, opts: { start?: number; logger?: Logger } = {}): LoadStore {
  const logger = opts.logger ?? silent;
  const h: LoadStore = {
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sl-load-')),
    clock: opts.start ?? Date.parse('2026-03-10T05:30:00Z'),
    life(fn) {
      const store = new Store({ dataDir: h.dataDir, site: 'h1', gateway: 'gw1', logger, now: () => h.clock });
      store.start();
      try {
        return fn(new LoadWorkflow({ db: store.db, append: (r) => store.records.append(r), policy, logger, now: () => h.clock }), store);
      } finally {
        store.close();
      }
    },
    scan: (...raws) =>
      raws.map((raw) =>
        h.life((w) => {
          h.clock += 5_000;
          return w.onScan('AC-01', 'SC-01', raw, h.clock);
        }),
      ),
    cycle(cycleId, opts = {}) {
      const startedAt = (h.clock += MIN);
      const contents = h.life((w) => w.takeLoad('AC-01', cycleId));
      h.clock += (opts.minutes ?? 45) * MIN;
      const pass = opts.pass !== false;
      const state = h.life((w, store) =>
        w.onCycleRecorded(
          store.append({
            type: 'cycle',
            device: 'AC-01',
            body: {
              cycleId,
              program: 'steam-134-4',
              cycleNo: Number(cycleId.replace(/\D/g, '')) || 1,
              startedAt: new Date(startedAt).toISOString(),
              endedAt: new Date(h.clock).toISOString(),
              verdict: pass ? 'pass' : 'fail',
              criteria: [{ id: 'hold_time', pass, measured: 200, limit: 180, unit: 's', detail: '' }],
              load: contents ?? { items: [], indicators: [] },
            },
          }),
        ),
      );
      return { contents, state };
    },
    bi: (e) => biResultIn(h, e),
    status: (loadId) => h.life((w) => w.releaseOf(loadId)?.status),
    records: (type) => recordsIn(h, type),
    schemaProblems: (types) => schemaProblemsIn(h, types),
    close: () => fs.rmSync(h.dataDir, { recursive: true, force: true }),
  };
  return h;
}

/** What the load and loaner harnesses share: a clock, and the workflow and store of one gateway life. */
export interface WorkflowLives {
  clock: number;
  life<T>(fn: (w: LoadWorkflow, store: Store) => T): T;
}

/** A BI-01 result a minute later, in its own gateway life. */
export function biResultIn(h: WorkflowLives, e: Partial<BiResultEvent> & Pick<BiResultEvent, 'well' | 'lot' | 'result'>): SignedRecord {
  return h.life((w) => {
    h.clock += MIN;
    return w.onBiResult('BI-01', { kind: 'bi-result', deviceId: 'BI-01', ts: h.clock, readAt: h.clock, incubationMin: 24, ...e });
  });
}

/** The records in the store (of one type, or all). */
export function recordsIn(h: WorkflowLives, type?: string): SignedRecord[] {
  return h.life((_w, s) => s.records.range(1).filter((r) => !type || r.type === type));
}

/** Every record of these types against its published JSON Schema (docs/schemas): the violations. */
export function schemaProblemsIn(h: WorkflowLives, types: readonly string[]): string[] {
  return recordsIn(h)
    .filter((r) => types.includes(r.type))
    .flatMap((r) => checkPayload(`sterilink/v1/h1/gw1/records/${r.type}`, r).errors.map((e) => `${r.type} seq ${r.seq}: ${e}`));
}
