// Audit of the per-device chains (samples, raw lines): seq continuity from 1 and every link
// recomputed from the stored columns. Part of verifyStore (audit.ts).

import type { AuditProblem, AuditTable } from './audit-types.js';
import { chainHash } from './chained-log.js';
import type { Db } from './database.js';
import { canonicalRawLine, RAW_COLUMNS, rawLineFromRow } from './raw-log.js';
import { GENESIS_HASH } from './record.js';
import { canonicalSample, SAMPLE_COLUMNS, sampleFromRow } from './sample-log.js';

interface ChainRow {
  device_id: string;
  seq: number;
  hash: string;
}

interface ChainSpec {
  table: Extract<AuditTable, 'samples' | 'raw_lines'>;
  columns: string;
  canonical: (row: ChainRow) => string;
}

const SPECS: readonly ChainSpec[] = [
  {
    table: 'samples',
    columns: SAMPLE_COLUMNS,
    canonical: (r) => {
      const x = sampleFromRow(r as Parameters<typeof sampleFromRow>[0]);
      return canonicalSample(x.deviceId, x.seq, x);
    },
  },
  {
    table: 'raw_lines',
    columns: RAW_COLUMNS,
    canonical: (r) => {
      const l = rawLineFromRow(r as Parameters<typeof rawLineFromRow>[0]);
      return canonicalRawLine(l.deviceId, l.seq, l);
    },
  },
];

/** Where a device's chain is checked from. Full check: after seq 0 from the genesis hash, with the prefix
 * a checkpoint declared deleted (`pruned`) allowed to be missing or still being deleted. From a
 * checkpoint: after the position it signed, linked to its hash. */
export interface ChainStart {
  afterSeq: number;
  prevHash: string;
  pruned?: { seq: number; hash: string } | undefined;
}

const FROM_GENESIS: ChainStart = { afterSeq: 0, prevHash: GENESIS_HASH };

/** The devices of a chained table, one index seek each (no scan of the table). */
export function chainDevices(db: Db, table: 'samples' | 'raw_lines'): string[] {
  const next = db.prepare(`SELECT device_id FROM ${table} WHERE device_id > ? ORDER BY device_id LIMIT 1`).pluck();
  const out: string[] = [];
  let d = next.get('') as string | undefined;
  while (d !== undefined) {
    out.push(d);
    d = next.get(d) as string | undefined;
  }
  return out;
}

/** Checks one chained table; returns the row count checked. Problems go to `report` (capped by the caller). */
export function auditChain(
  db: Db,
  table: 'samples' | 'raw_lines',
  report: (p: AuditProblem) => void,
  startOf: (deviceId: string) => ChainStart = () => FROM_GENESIS,
): number {
  const spec = SPECS.find((s) => s.table === table);
  if (!spec) return 0;
  const rows = db.prepare(`SELECT ${spec.columns} FROM ${table} WHERE device_id = ? AND seq > ? ORDER BY seq`);
  let n = 0;
  for (const dev of chainDevices(db, table)) {
    const start = startOf(dev);
    const pruned = start.pruned;
    let expected = start.afterSeq + 1;
    let prevHash = start.prevHash;
    let first = true;
    for (const raw of rows.iterate(dev, start.afterSeq)) {
      const row = raw as ChainRow;
      n++;
      if (first && pruned && row.seq !== expected && row.seq <= pruned.seq + 1) {
        // the declared prefix is deleted (or still being deleted, oldest first): link to its hash, or
        // (rows of the prefix still here) check the prefix's last row against it further on
        expected = row.seq;
        prevHash = row.seq === pruned.seq + 1 ? pruned.hash : '';
      } else if (first && pruned && row.seq > pruned.seq + 1) {
        expected = pruned.seq + 1; // the rows after the declared prefix were deleted too
        prevHash = pruned.hash;
      }
      first = false;
      if (row.seq !== expected) {
        report({ table, seq: expected, device: dev, kind: 'gap', reason: `${row.seq - expected} row(s) missing: seq ${expected}..${row.seq - 1} (deleted)` });
        prevHash = '';
      }
      let computed: string | null;
      try {
        computed = chainHash(prevHash, spec.canonical(row));
      } catch (e) {
        computed = null;
        report({ table, seq: row.seq, device: dev, kind: 'format', reason: `row cannot be canonicalized: ${(e as Error).message}` });
      }
      // After a hole the previous link is unknown: only the row's own content is left to check, which
      // the hole already accounts for.
      if (computed !== null && prevHash !== '' && computed !== row.hash) {
        report({
          table,
          seq: row.seq,
          device: dev,
          kind: 'hash',
          reason: 'hash does not match the row content and the previous row (edited, reordered or re-chained)',
        });
      } else if (pruned && row.seq === pruned.seq && row.hash !== pruned.hash) {
        report({
          table,
          seq: row.seq,
          device: dev,
          kind: 'hash',
          reason: 'row differs from the hash the last checkpoint declared for the end of the deleted prefix',
        });
      }
      prevHash = row.hash;
      expected = row.seq + 1;
    }
  }
  return n;
}
