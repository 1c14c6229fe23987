// Reads of the loaner sets for the page's loaner view and `sterilink loaner show` (read-write in the gateway,
// read-only in the CLI): the open sets and the recently returned ones from the lookup tables of migration 5
// (loaner_latest, loaner_index), and one visit's timeline: its signed `loaner` records, read from `records`.
import type { Db } from '../store/database.js';
import type { SignedRecord } from '../store/record.js';

export interface LoanerRow {
  visit: string;
  set: string;
  /** seq of the visit's latest loaner record. */
  seq: number;
  step: string;
  status: string;
  holds: string[];
  caseRef: string | null;
  vendor: string | null;
  dueAt: string | null;
  receivedAt: string | null;
  /** When the latest step happened. */
  at: string | null;
}

interface LoanerDbRow {
  visit: string;
  set_id: string;
  seq: number;
  step: string;
  status: string;
  holds: string | null;
  case_ref: string | null;
  vendor: string | null;
  due_at: string | null;
  received_at: string | null;
  at: string | null;
}

function rowOf(r: LoanerDbRow): LoanerRow {
  let holds: string[] = [];
  try {
    const h = JSON.parse(r.holds ?? '[]') as unknown;
    holds = Array.isArray(h) ? h.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    holds = []; // a copy of a signed field that is not JSON: shown as none, the record itself says what it is
  }
  return {
    visit: r.visit,
    set: r.set_id,
    seq: r.seq,
    step: r.step,
    status: r.status,
    holds,
    caseRef: r.case_ref,
    vendor: r.vendor,
    dueAt: r.due_at,
    receivedAt: r.received_at,
    at: r.at,
  };
}

const COLUMNS = 'visit, set_id, seq, step, status, holds, case_ref, vendor, due_at, received_at, at';

export class LoanerQueries {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      open: db.prepare(`SELECT ${COLUMNS} FROM loaner_latest WHERE status <> 'returned' ORDER BY due_at, set_id`),
      returned: db.prepare(`SELECT ${COLUMNS} FROM loaner_latest WHERE status = 'returned' AND at >= ? ORDER BY at DESC LIMIT 200`),
      visitsOf: db.prepare(`SELECT ${COLUMNS} FROM loaner_latest WHERE set_id = ? ORDER BY received_at DESC, seq DESC`),
      visit: db.prepare(`SELECT ${COLUMNS} FROM loaner_latest WHERE visit = ?`),
      timeline: db.prepare('SELECT r.json FROM loaner_index i JOIN records r ON r.seq = i.seq WHERE i.visit = ? ORDER BY i.seq').pluck(),
    };
  }

  /** Sets at the CSSD (received, not returned), the earliest due operation first. */
  openSets(): LoanerRow[] {
    return (this.stmt.open.all() as LoanerDbRow[]).map(rowOf);
  }

  /** Sets returned since `sinceIso`, the latest first. */
  returnedSince(sinceIso: string): LoanerRow[] {
    return (this.stmt.returned.all(sinceIso) as LoanerDbRow[]).map(rowOf);
  }

  /** Every visit of a set, the latest first (a set comes again for other operations). */
  visitsOf(set: string): LoanerRow[] {
    return (this.stmt.visitsOf.all(set) as LoanerDbRow[]).map(rowOf);
  }

  visit(visit: string): LoanerRow | null {
    const r = this.stmt.visit.get(visit) as LoanerDbRow | undefined;
    return r ? rowOf(r) : null;
  }

  /** The visit's loaner records, in seq order: its timeline. */
  timeline(visit: string): SignedRecord[] {
    return (this.stmt.timeline.all(visit) as string[]).map((j) => JSON.parse(j) as SignedRecord);
  }
}
