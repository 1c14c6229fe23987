// The gateway-wide, signed record chain and its outbox (docs/architecture.md, docs/mqtt.md). A record is never
// published before it is on disk. With a Durability (the Store's WalSyncer), append() commits at
// synchronous=NORMAL (no fsync on the event loop) and the record becomes *durable* when an fsync of the WAL
// that began after its commit has completed on the thread pool. `outbox`, what the publisher drains and
// replays, shows records only up to that mark, and onDurable() listeners hear when it moves. Without a
// Durability, every append commits with synchronous=FULL and is durable when append() returns.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { errorMessage, GatewayError } from '../../vocabulary/errors.js';
import type { OutboxSource } from '../publish/outbox-source.js';
import { canonicalFromMembers, canonicalJson } from './canonical-json.js';
import { chainHash } from './chained-log.js';
import { type Db, withSynchronous } from './database.js';
import type { GatewayKey } from './keys.js';
import { META_RECORD_HEAD } from './meta.js';
import { GENESIS_HASH, type NewRecord, RECORD_SCHEMA, RECORD_TYPES, type SignedRecord } from './record.js';
import { signHash } from './record-crypto.js';

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface RecordLogContext {
  db: Db;
  site: string;
  gateway: string;
  key: GatewayKey;
  now: () => number;
  /** Runs each commit (the store's StorageGuard: a full disk releases the reserve and retries once). */
  guard?: WriteGuard;
  /** Makes NORMAL commits durable off the event loop. Whoever passes it must have made what the store
   * already holds durable (the Store fsyncs the WAL at start), since every record present counts as durable. */
  durability?: Durability;
  /** For a listener that throws. */
  logger?: Pick<Logger, 'error'>;
}

/** What makes commits durable after the fact (wal-sync.ts). */
export interface Durability {
  /** Resolves once everything committed before the call is on disk; never rejects (a failure is retried). */
  whenSynced(): Promise<void>;
}

export interface AppendOptions {
  /** 'full': commit with synchronous=FULL (fsync in the commit, on the event loop) and be durable at once,
   * for a step that must not go on before its record is on disk (a key rotation promotes the key file). */
  sync?: 'full';
}

/** What runs a write on the store's behalf (storage-guard.ts). */
export interface WriteGuard {
  write<T>(fn: () => T): T;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

declare const prepared: unique symbol;
/** A record checked and its body canonicalized, not yet chained, signed or stored (RecordLog.prepare): a large
 * record's canonical text can be built in one turn of the event loop and committed in the next. Only prepare()
 * makes one (the brand), so `bodyText` is always the canonical text of `body`. */
export interface PreparedRecord {
  readonly [prepared]: true;
  type: SignedRecord['type'];
  device?: string;
  body: Record<string, unknown>;
  bodyText: string;
  ts?: string;
}

export class RecordLog {
  private readonly db: Db;
  private key: GatewayKey;
  private readonly stmt;
  /** Highest seq committed by this log (or found at open). */
  private committed: number;
  /** Highest seq known to be on disk: the outbox shows records up to here. */
  private durable: number;
  private readonly durableListeners: (() => void)[] = [];
  private afterDurableQueue: { seq: number; fn: () => void }[] = [];
  private closed = false;
  private outboxView: OutboxSource | undefined;

  constructor(private readonly ctx: RecordLogContext) {
    this.db = ctx.db;
    this.key = ctx.key;
    this.stmt = {
      head: this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1'),
      insert: this.db.prepare(
        'INSERT INTO records (seq, id, type, device, ts, json, hash, prev_hash, sig, key_id, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)',
      ),
      setHead: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      pending: this.db.prepare('SELECT json FROM records WHERE delivered_at IS NULL AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?').pluck(),
      range: this.db.prepare('SELECT json FROM records WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?').pluck(),
      get: this.db.prepare('SELECT json FROM records WHERE seq = ?').pluck(),
      idAt: this.db.prepare('SELECT id FROM records WHERE seq = ?').pluck(),
      delivered: this.db.prepare('UPDATE records SET delivered_at = ? WHERE seq = ? AND delivered_at IS NULL'),
      count: this.db.prepare('SELECT count(*) FROM records').pluck(),
      pendingCount: this.db.prepare('SELECT count(*) FROM records WHERE delivered_at IS NULL').pluck(),
      oldestPending: this.db.prepare('SELECT seq, ts FROM records WHERE delivered_at IS NULL ORDER BY seq LIMIT 1'),
    };
    this.committed = this.head().seq;
    this.durable = this.committed;
  }

  /** The highest seq known to be on disk (fsynced); the outbox shows records up to it. */
  get durableSeq(): number {
    return this.durable;
  }

  /** Calls `listener` each time records become durable (the publisher drains them then). */
  onDurable(listener: () => void): void {
    this.durableListeners.push(listener);
  }

  /** Runs `fn` once every record committed so far is durable: at once if it is already. For what is
   * published beside the records (a loaner set's retained state) and must not run ahead of them. */
  afterDurable(fn: () => void): void {
    if (this.durable >= this.committed) fn();
    else this.afterDurableQueue.push({ seq: this.committed, fn });
  }

  /** Stops telling listeners (the store is closing: what is committed is made durable by the close). */
  close(): void {
    this.closed = true;
    this.durableListeners.length = 0;
    this.afterDurableQueue = [];
  }

  private advance(seq: number): void {
    if (seq <= this.durable || this.closed) return;
    this.durable = seq;
    const due = this.afterDurableQueue.filter((a) => a.seq <= seq);
    if (due.length) this.afterDurableQueue = this.afterDurableQueue.filter((a) => a.seq > seq);
    for (const fn of [...this.durableListeners, ...due.map((a) => a.fn)]) {
      try {
        fn();
      } catch (e) {
        this.ctx.logger?.error({ seq, err: errorMessage(e) }, 'store: a listener of durable records threw');
      }
    }
  }

  /** Signs every later record with `key` (after a rotation). */
  useKey(key: GatewayKey): void {
    this.key = key;
  }

  get keyId(): string {
    return this.key.keyId;
  }

  /** Signs, chains and stores one record; returns it as stored and as it will be published (once durable). */
  append(rec: NewRecord): SignedRecord {
    return this.appendWith(rec, () => undefined);
  }

  /** append(), running `also` in the same transaction (e.g. registering a rotated key). */
  appendWith(rec: NewRecord, also: (record: SignedRecord) => void, opts: AppendOptions = {}): SignedRecord {
    return this.appendPrepared(this.prepare(rec), also, opts);
  }

  /** The second half of appendWith(): chains, signs and commits a prepared record. */
  appendPrepared(input: PreparedRecord, also: (record: SignedRecord) => void, opts: AppendOptions = {}): SignedRecord {
    const durability = opts.sync === 'full' ? undefined : this.ctx.durability;
    const tx = () =>
      this.db
        .transaction(() => {
          const record = this.insert(input);
          also(record);
          return record;
        })
        .immediate();
    // At NORMAL (the connection's level) when a Durability fsyncs afterwards; else the commit fsyncs.
    const commit = durability ? tx : () => withSynchronous(this.db, 'FULL', tx);
    let record: SignedRecord;
    try {
      record = this.ctx.guard ? this.ctx.guard.write(commit) : commit();
    } catch (e) {
      if (e instanceof GatewayError) throw e;
      throw new GatewayError('store.append', `cannot store ${input.type} record: ${(e as Error).message}`, { type: input.type }, { cause: e });
    }
    if (record.seq > this.committed) this.committed = record.seq;
    if (this.db.inTransaction)
      queueMicrotask(() => this.settle(record, durability, true)); // a caller's transaction commits first
    else this.settle(record, durability, false);
    return record;
  }

  /** After the commit: durable now (FULL) or once the fsync that follows has completed. */
  private settle(record: SignedRecord, durability: Durability | undefined, nested: boolean): void {
    if (nested) {
      if (this.closed) return;
      if (this.db.inTransaction) {
        setImmediate(() => this.settle(record, durability, true)); // the caller's transaction spans turns: wait for it
        return;
      }
      if (this.stmt.idAt.get(record.seq) !== record.id) {
        this.committed = this.head().seq; // the caller's transaction rolled back: this record never was
        return;
      }
    }
    // A FULL commit fsyncs the WAL, which holds every earlier commit too: all up to seq is durable.
    if (!durability) this.advance(record.seq);
    else void durability.whenSynced().then(() => this.advance(record.seq));
  }

  /** The first half of appendWith(): checks the new record (throws as append does); its body is canonicalized
   * here once (text for the hash, parsed value for the returned record, so it is exactly what a consumer will parse). */
  prepare(rec: NewRecord): PreparedRecord {
    if (!(RECORD_TYPES as readonly string[]).includes(rec.type))
      throw new GatewayError('store.append', `unknown record type ${String(rec.type)}`, { type: rec.type });
    if (rec.body === null || typeof rec.body !== 'object' || Array.isArray(rec.body))
      throw new GatewayError('store.append', 'record body must be an object', { type: rec.type });
    if (rec.device !== undefined && (typeof rec.device !== 'string' || rec.device === ''))
      throw new GatewayError('store.append', 'record device must be a non-empty string', { type: rec.type });
    let ts: string | undefined;
    if (rec.ts !== undefined) {
      const t = Date.parse(rec.ts);
      if (Number.isNaN(t)) throw new GatewayError('store.append', `record ts is not a date: ${rec.ts}`, { type: rec.type });
      ts = new Date(t).toISOString();
    }
    const bodyText = canonicalJson(rec.body);
    const body = JSON.parse(bodyText) as Record<string, unknown>;
    return { type: rec.type, body, bodyText, ...(rec.device !== undefined ? { device: rec.device } : {}), ...(ts ? { ts } : {}) } as PreparedRecord;
  }

  private insert(input: PreparedRecord): SignedRecord {
    const head = this.head();
    const seq = head.seq + 1;
    const id = randomUUID();
    const ts = input.ts ?? new Date(this.ctx.now()).toISOString();
    const keyId = this.key.keyId;
    const { site, gateway } = this.ctx;
    // The signed fields' canonical text, built from member texts so the body is serialized once.
    // Equal to canonicalJson(signedFields(record)); computeRecordHash() is the reference.
    const members: Record<string, string> = {
      schema: canonicalJson(RECORD_SCHEMA),
      id: canonicalJson(id),
      seq: String(seq),
      type: canonicalJson(input.type),
      ts: canonicalJson(ts),
      site: canonicalJson(site),
      gateway: canonicalJson(gateway),
      body: input.bodyText,
      prevHash: canonicalJson(head.hash),
      keyId: canonicalJson(keyId),
    };
    if (input.device !== undefined) members.device = canonicalJson(input.device);
    const hash = chainHash(head.hash, canonicalFromMembers(members));
    const sig = signHash(hash, this.key.privateKey);
    const record: SignedRecord = {
      schema: RECORD_SCHEMA,
      id,
      seq,
      type: input.type,
      ts,
      site,
      gateway,
      ...(input.device !== undefined ? { device: input.device } : {}),
      body: input.body,
      prevHash: head.hash,
      hash,
      sig,
      keyId,
    };
    const json = canonicalFromMembers({ ...members, hash: canonicalJson(hash), sig: canonicalJson(sig) });
    this.stmt.insert.run(seq, id, input.type, input.device ?? null, ts, json, hash, head.hash, sig, keyId);
    this.stmt.setHead.run(META_RECORD_HEAD, `${seq}:${hash}`);
    return record;
  }

  /** The last record's seq and hash; {0, GENESIS_HASH} when there is none. */
  head(): ChainHead {
    const r = this.stmt.head.get() as ChainHead | undefined;
    return r ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Undelivered records with afterSeq < seq <= upTo, in seq order (committed, durable or not: the
   * publisher reads `outbox`, which stops at the durable mark). */
  pending(afterSeq = 0, limit = 100, upTo = MAX_SEQ): SignedRecord[] {
    return (this.stmt.pending.all(afterSeq, upTo, limit) as string[]).map(parse);
  }

  /** What the publisher drains and replays: the records up to the durable mark only, and a listener for
   * when it moves. A record is never handed to the publisher before it is on disk. */
  get outbox(): OutboxSource {
    return (this.outboxView ??= {
      pending: (afterSeq, limit) => this.pending(afterSeq, limit, this.durable),
      markDelivered: (seq) => void this.markDelivered(seq),
      range: (fromSeq, toSeq, limit) => this.range(fromSeq, Math.min(toSeq, this.durable), limit),
      onDurable: (listener) => this.onDurable(listener),
    });
  }

  /** Records the broker's acknowledgement; idempotent. true when this call marked it. */
  markDelivered(seq: number, at: number = this.ctx.now()): boolean {
    return this.guarded(() => this.stmt.delivered.run(at, seq).changes > 0);
  }

  /** markDelivered for a window of acknowledgements in one transaction; returns how many changed. */
  markDeliveredMany(seqs: Iterable<number>, at: number = this.ctx.now()): number {
    const list = [...seqs];
    return this.guarded(() =>
      this.db.transaction(() => {
        let n = 0;
        for (const s of list) n += this.stmt.delivered.run(at, s).changes;
        return n;
      })(),
    );
  }

  private guarded<T>(fn: () => T): T {
    return this.ctx.guard ? this.ctx.guard.write(fn) : fn();
  }

  /** Records with fromSeq <= seq <= toSeq, delivered or not, in seq order (replay reads it through `outbox`). */
  range(fromSeq: number, toSeq: number = MAX_SEQ, limit = 1000): SignedRecord[] {
    return (this.stmt.range.all(fromSeq, toSeq, limit) as string[]).map(parse);
  }

  get(seq: number): SignedRecord | undefined {
    const json = this.stmt.get.get(seq) as string | undefined;
    return json === undefined ? undefined : parse(json);
  }

  count(): number {
    return this.stmt.count.get() as number;
  }

  pendingCount(): number {
    return this.stmt.pendingCount.get() as number;
  }

  /** The oldest undelivered record's seq and time (`ts`, the gateway's clock when it was made); undefined when the outbox is empty. */
  oldestPending(): { seq: number; ts: string } | undefined {
    return this.stmt.oldestPending.get() as { seq: number; ts: string } | undefined;
  }
}

function parse(json: string): SignedRecord {
  return JSON.parse(json) as SignedRecord;
}
