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

/** Checks one chained table; returns the row count. Problems go to `report` (capped by the caller). */
export function auditChain(db: Db, table: 'samples' | 'raw_lines', report: (p: AuditProblem) => void): number {
  const spec = SPECS.find((s) => s.table === table);
  if (!spec) return 0;
  let n = 0;
  let device: string | null = null;
  let expected = 1;
  let prevHash = GENESIS_HASH;
  for (const raw of db.prepare(`SELECT ${spec.columns} FROM ${table} ORDER BY device_id, seq`).iterate()) {
    const row = raw as ChainRow;
    n++;
    if (row.device_id !== device) {
      device = row.device_id;
      expected = 1;
      prevHash = GENESIS_HASH;
    }
    const dev = row.device_id;
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
    }
    prevHash = row.hash;
    expected = row.seq + 1;
  }
  return n;
}
