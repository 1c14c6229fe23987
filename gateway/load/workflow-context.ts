// What the load workflow's parts share: the tables, the clock, ids, and one way to write: commit()
// runs a step in one SQLite transaction, records included, so a crash leaves the step wholly done
// (records and state) or not at all. The transaction commits at synchronous=FULL unless the deps say
// the record log makes its records durable itself before they are published (the gateway's Store:
// NORMAL, then an fsync off the event loop; record-log.ts).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type Db, withSynchronous } from '../store/database.js';
import type { NewRecord, RecordType, SignedRecord } from '../store/record.js';
import { BiTable } from './bi-table.js';
import type { LoadPolicy } from './load-policy.js';
import type { LoanerStatePayload } from './loaner-record.js';
import { ReleaseTable } from './release-table.js';
import { StationTable } from './station-table.js';

export interface LoadWorkflowDeps {
  /** The store's database (store.db). */
  db: Db;
  /** Signs, chains and stores a record on `db` (store.records.append; store.append works too, with `flush`). */
  append: (r: NewRecord) => SignedRecord;
  policy: LoadPolicy;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
  /** Called after a step committed records (e.g. the publisher's notifyRecords). */
  onRecords?: () => void;
  /** Run before each step's transaction (store.flush, so buffered samples are not written inside it). */
  flush?: () => void;
  /** A loaner set's state changed (after the step committed): the publisher's retained …/loaner/{set}/state. */
  onLoanerState?: (set: string, state: LoanerStatePayload) => void;
  /** The commit's synchronous level: 'FULL' (default, the fsync in the commit) or 'NORMAL' when `append`'s
   * record log fsyncs off the event loop and publishes only what is durable (the Store's). */
  commitSync?: 'FULL' | 'NORMAL';
}

export class WorkflowContext {
  readonly db: Db;
  readonly policy: LoadPolicy;
  readonly log: Logger;
  readonly now: () => number;
  readonly newId: () => string;
  readonly stations: StationTable;
  readonly releases: ReleaseTable;
  readonly bis: BiTable;
  private appended = 0;
  private readonly listeners: Array<(r: SignedRecord) => void> = [];
  private afterCommit: Array<() => void> | null = null;

  constructor(private readonly deps: LoadWorkflowDeps) {
    this.db = deps.db;
    this.policy = deps.policy;
    this.log = deps.logger;
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    this.stations = new StationTable(deps.db);
    this.releases = new ReleaseTable(deps.db);
    this.bis = new BiTable(deps.db);
  }

  get timeZone(): string {
    return this.policy.release.timeZone;
  }

  /** One step, atomically; notifies onRecords after the commit when it wrote records. */
  commit<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn(); // nested in a caller's step
    this.deps.flush?.();
    const before = this.appended;
    const later: Array<() => void> = [];
    this.afterCommit = later;
    let out: T;
    try {
      out = withSynchronous(this.db, this.deps.commitSync ?? 'FULL', () => this.db.transaction(fn).immediate());
    } finally {
      this.afterCommit = null;
    }
    if (this.appended !== before) this.deps.onRecords?.();
    for (const f of later) {
      try {
        f();
      } catch (e) {
        this.log.error({ err: (e as Error).message }, 'load workflow: a notification after a committed step failed');
      }
    }
    return out;
  }

  /** Runs `fn` once the current step has committed (never when it rolls back); at once outside a step. */
  whenCommitted(fn: () => void): void {
    if (this.afterCommit) this.afterCommit.push(fn);
    else fn();
  }

  /** Tells `listener` of every record the workflow writes, inside the step that writes it (the loaner ledger follows
   * the release and BI records of its sets this way, in the same transaction). */
  onRecorded(listener: (r: SignedRecord) => void): void {
    this.listeners.push(listener);
  }

  notifyLoanerState(set: string, state: LoanerStatePayload): void {
    const publish = this.deps.onLoanerState;
    if (publish) this.whenCommitted(() => publish(set, state));
  }

  record(type: RecordType, device: string | undefined, body: object): SignedRecord {
    const rec = this.deps.append({ type, ...(device !== undefined ? { device } : {}), body: body as Record<string, unknown> });
    this.appended++;
    for (const l of this.listeners) l(rec);
    return rec;
  }

  alarm(device: string | undefined, code: string, text: string, extra: Record<string, unknown>, at: number): SignedRecord {
    this.log.warn({ device, code, ...extra }, text);
    return this.record('alarm', device, { code, text, at: new Date(at).toISOString(), cycleId: null, cycleNo: null, ...extra });
  }
}
