// The loaner flow on a real SQLite store through the load workflow, one gateway life (open store, new LoadWorkflow,
// close) per step, as a restart between any two steps would leave it: scans at the loaner desk and at the washer's
// and the sterilizer's stations, cycles with their hand-off and record, BI reader results, ticks; the records written
// and the retained states the publisher was handed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { gs1CheckDigit } from '../../drivers/scanner/barcode/index.js';
import { type LoadPolicy, loadPolicyFrom } from '../../gateway/load/load-policy.js';
import { LoadWorkflow, type ScanResult } from '../../gateway/load/load-workflow.js';
import type { LoanerStatePayload } from '../../gateway/load/loaner-record.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { Store } from '../../gateway/store/store.js';
import type { BiResultEvent } from '../../vocabulary/device-event.js';
import { biResultIn, recordsIn, schemaProblemsIn } from './load-store.js';

export const MIN = 60_000;
export const H = 60 * MIN;
const logger = pino({ level: 'silent' });
const gtin = (base13: string) => `${base13}${gs1CheckDigit(base13)}`;

export const IMPLANT_GTIN = gtin('0761234500001');
export const SCREW_GTIN = gtin('0761234500002');
export const BI_GTIN = gtin('0401234599999');
export const BI_LOT = 'L77';
/** A screw of the demo implant maker, one unit per scan (no serial: the same code counts again). */
export const SCREW = `(01)${SCREW_GTIN}(10)B12`;
export const biVial = (serial: string) => `(01)${BI_GTIN}(17)271231(10)${BI_LOT}(21)${serial}`;

export function loanerPolicy(): LoadPolicy {
  const { policy, problems } = loadPolicyFrom(
    {
      timeZone: 'Europe/Berlin',
      authorisedOperators: ['SUP1'],
      reasons: { TRAUMA: 'trauma patient cannot wait for the BI', RECOUNT: 'counted again by two people; sheet corrected' },
      implants: { gtinPrefixes: ['0761234'] },
      biProducts: { gtins: [BI_GTIN] },
    },
    [
      { id: 'AC-01', type: 'steam-sterilizer', dailyBowieDick: false },
      { id: 'WD-01', type: 'washer-disinfector' },
      { id: 'SC-01', type: 'scanner', station: 'AC-01' },
      { id: 'SC-02', type: 'scanner', station: 'WD-01' },
      { id: 'SC-LN', type: 'scanner', station: 'LOANER-DESK' },
      { id: 'BI-01', type: 'bi-reader' },
    ],
    { desks: ['LOANER-DESK'], vendors: { MEDI: { name: 'MediOrtho GmbH', representatives: ['V-0042'] }, OTHER: { representatives: ['V-0099'] } } },
  );
  if (problems.length) throw new Error(problems.join('; '));
  return policy;
}

export interface LoanerStore {
  dataDir: string;
  clock: number;
  /** The retained states handed to the publisher, in order. */
  states: Array<{ set: string; state: LoanerStatePayload }>;
  life<T>(fn: (w: LoadWorkflow, store: Store) => T): T;
  /** Scans 5 s apart at a station (`LOANER-DESK`, `AC-01`, `WD-01`), each in its own gateway life. */
  scan(station: 'LOANER-DESK' | 'AC-01' | 'WD-01', ...raws: string[]): ScanResult[];
  /** A cycle: takeLoad at its start, its record `minutes` later. */
  cycle(device: 'AC-01' | 'WD-01', cycleId: string, opts?: { pass?: boolean; minutes?: number }): void;
  bi(e: Partial<BiResultEvent> & Pick<BiResultEvent, 'well' | 'lot' | 'result'>): SignedRecord;
  tick(): void;
  records(type?: string): SignedRecord[];
  bodies<T = Record<string, unknown>>(type: string): T[];
  /** Every record of these types against its JSON Schema (docs/schemas): the violations. */
  schemaProblems(types: readonly string[]): string[];
  close(): void;
}

const SCANNER = { 'LOANER-DESK': 'SC-LN', 'AC-01': 'SC-01', 'WD-01': 'SC-02' } as const;

export function loanerStore(policy: LoadPolicy = loanerPolicy(), start = Date.parse('2026-03-10T05:30:00Z')): LoanerStore {
  const h: LoanerStore = {
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sl-loaner-')),
    clock: start,
    states: [],
    life(fn) {
      const store = new Store({ dataDir: h.dataDir, site: 'h1', gateway: 'gw1', logger, now: () => h.clock });
      store.start();
      try {
        const w = new LoadWorkflow({
          db: store.db,
          append: (r) => store.records.append(r),
          policy,
          logger,
          now: () => h.clock,
          onLoanerState: (set, state) => h.states.push({ set, state }),
        });
        return fn(w, store);
      } finally {
        store.close();
      }
    },
    scan: (station, ...raws) =>
      raws.map((raw) =>
        h.life((w) => {
          h.clock += 5_000;
          return w.onScan(station, SCANNER[station], raw, h.clock);
        }),
      ),
    cycle(device, cycleId, opts = {}) {
      const startedAt = (h.clock += MIN);
      const contents = h.life((w) => w.takeLoad(device, cycleId));
      h.clock += (opts.minutes ?? 45) * MIN;
      const pass = opts.pass !== false;
      h.life((w, store) =>
        w.onCycleRecorded(
          store.append({
            type: 'cycle',
            device,
            body: {
              cycleId,
              program: device === 'WD-01' ? 'washer-a0-3000' : 'steam-134-4',
              cycleNo: Number(cycleId.replace(/\D/g, '')) || 1,
              startedAt: new Date(startedAt).toISOString(),
              endedAt: new Date(h.clock).toISOString(),
              verdict: pass ? 'pass' : 'fail',
              criteria: [{ id: device === 'WD-01' ? 'a0' : 'hold_time', pass, measured: 200, limit: 180, unit: 's', detail: '' }],
              load: contents ?? { items: [], indicators: [] },
            },
          }),
        ),
      );
    },
    bi: (e) => biResultIn(h, e),
    tick: () => h.life((w) => w.tick(h.clock)),
    records: (type) => recordsIn(h, type),
    bodies: <T>(type: string) => h.records(type).map((r) => r.body as T),
    schemaProblems: (types) => schemaProblemsIn(h, types),
    close: () => fs.rmSync(h.dataDir, { recursive: true, force: true }),
  };
  return h;
}

/** A receipt at the desk of set LN-0042: 6 screws (implants) by count sheet, 2 drills scanned one by one. */
export const RECEIPT = (due = 'DUE:2026-03-11T08:00') => [
  'OP:OP1',
  'VR:V-0042',
  'CMD:LOANER-RECEIVE',
  'LN-0042',
  'CASE:OP-2026-0042',
  `CNT:${SCREW_GTIN}:6`,
  'DRILL-3',
  'DRILL-3',
  due,
  'CMD:LOANER-DONE',
];

/** The packing check: the same counts, the internal CI. */
export const PACKING = (screws = 6) => [
  'OP:OP2',
  'CMD:LOANER-PACK',
  'LN-0042',
  `CNT:${SCREW_GTIN}:${screws}`,
  'CNT:DRILL-3:2',
  'CMD:LOANER-CI',
  'CMD:LOANER-DONE',
];

export const RETURN = (screws = 6) => [
  'OP:OP3',
  'VR:V-0042',
  'CMD:LOANER-RETURN',
  'LN-0042',
  `CNT:${SCREW_GTIN}:${screws}`,
  'CNT:DRILL-3:2',
  'CMD:LOANER-DONE',
];
