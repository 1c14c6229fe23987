// The integrity audit's report (`sterilink db verify`), and the chain reference records carry.
import type { ChainProblemKind } from './record-chain-check.js';

/** Where a per-device chain stood when a record was made. A cycle record carries
 * `body.sampleChain` (and `body.rawChain` for printer devices) so the signed record binds the raw
 * curve: the audit checks the named row still exists with that hash. */
export interface ChainRef {
  deviceId: string;
  seq: number;
  hash: string;
}

export function isChainRef(x: unknown): x is ChainRef {
  const r = x as Partial<ChainRef> | null;
  return !!r && typeof r === 'object' && typeof r.deviceId === 'string' && typeof r.seq === 'number' && typeof r.hash === 'string';
}

/** The chain references a record body carries: `sampleChain` / `rawChain` at the top of the body or
 * under `binding`; a reference without deviceId belongs to the record's device. */
export function chainRefsOf(body: unknown, device: string | undefined): { table: 'samples' | 'raw_lines'; ref: ChainRef }[] {
  const out: { table: 'samples' | 'raw_lines'; ref: ChainRef }[] = [];
  const b = (body ?? {}) as Record<string, unknown>;
  const binding = (b.binding ?? {}) as Record<string, unknown>;
  for (const [table, key] of [
    ['samples', 'sampleChain'],
    ['raw_lines', 'rawChain'],
  ] as const) {
    for (const x of [b[key], binding[key]]) {
      if (!x || typeof x !== 'object') continue;
      const ref = { deviceId: device, ...(x as object) } as Partial<ChainRef>;
      if (isChainRef(ref)) out.push({ table, ref });
    }
  }
  return out;
}

/** In the order problems are reported: the first problem is the first by table, then seq. */
export const AUDIT_TABLES = ['records', 'keys', 'samples', 'raw_lines'] as const;
export type AuditTable = (typeof AUDIT_TABLES)[number];

export interface AuditProblem {
  table: AuditTable;
  /** The row's seq (for `keys`, 0). For a hole, the first missing seq. */
  seq: number;
  /** For per-device chains. */
  device?: string;
  /** What failed, in the chain checker's terms (record-chain-check.ts), for every table. */
  kind: ChainProblemKind;
  reason: string;
}

export interface AuditReport {
  ok: boolean;
  records: number;
  samples: number;
  rawLines: number;
  keys: number;
  /** The seq of the checkpoint the check started at; null: everything still stored was checked. */
  fromCheckpoint: number | null;
  /** The first record checked (0: none). */
  firstSeq: number;
  /** Sorted by table (AUDIT_TABLES order), then seq, then device. */
  problems: AuditProblem[];
  /** true when more problems existed than were kept. */
  truncated: boolean;
}

/** One line for a terminal: `records seq 12: hash mismatch: the content hashes to …`. */
export function formatProblem(p: AuditProblem): string {
  return `${p.table}${p.device !== undefined ? ` device ${p.device}` : ''} seq ${p.seq}: ${p.reason}`;
}
