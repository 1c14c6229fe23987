// The gateway-wide, signed record chain and its outbox (docs/architecture.md, docs/mqtt.md). A record is committed with
// synchronous=FULL before append() returns, so it is on disk before anything can publish it.
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../vocabulary/errors.js';
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
}

/** What runs a write on the store's behalf (storage-guard.ts). */
export interface WriteGuard {
  write<T>(fn: () => T): T;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

interface Validated {
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

  constructor(private readonly ctx: RecordLogContext) {
    this.db = ctx.db;
    this.key = ctx.key;
    this.stmt = {
      head: this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1'),
      insert: this.db.prepare(
        'INSERT INTO records (seq, id, type, device, ts, json, hash, prev_hash, sig, key_id, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)',
      ),
      setHead: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      pending: this.db.prepare('SELECT json FROM records WHERE delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?').pluck(),
      range: this.db.prepare('SELECT json FROM records WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?').pluck(),
      get: this.db.prepare('SELECT json FROM records WHERE seq = ?').pluck(),
      delivered: this.db.prepare('UPDATE records SET delivered_at = ? WHERE seq = ? AND delivered_at IS NULL'),
      count: this.db.prepare('SELECT count(*) FROM records').pluck(),
      pendingCount: this.db.prepare('SELECT count(*) FROM records WHERE delivered_at IS NULL').pluck(),
      oldestPending: this.db.prepare('SELECT seq, ts FROM records WHERE delivered_at IS NULL ORDER BY seq LIMIT 1'),
    };
  }

  /** Signs every later record with `key` (after a rotation). */
  useKey(key: GatewayKey): void {
    this.key = key;
  }

  get keyId(): string {
    return this.key.keyId;
  }

  /** Signs, chains and durably stores one record; returns it as stored and as it will be published. */
  append(rec: NewRecord): SignedRecord {
    return this.appendWith(rec, () => undefined);
  }

  /** append(), running `also` in the same transaction (e.g. registering a rotated key). */
  appendWith(rec: NewRecord, also: (record: SignedRecord) => void): SignedRecord {
    const input = this.validate(rec);
    const commit = () =>
      withSynchronous(this.db, 'FULL', () =>
        this.db
          .transaction(() => {
            const record = this.insert(input);
            also(record);
            return record;
          })
          .immediate(),
      );
    try {
      return this.ctx.guard ? this.ctx.guard.write(commit) : commit();
    } catch (e) {
      if (e instanceof GatewayError) throw e;
      throw new GatewayError('store.append', `cannot store ${rec.type} record: ${(e as Error).message}`, { type: rec.type }, { cause: e });
    }
  }

  /** Checks the new record; its body is canonicalized here once (text for the hash, parsed value
   * for the returned record, so it is exactly what a consumer will parse). */
  private validate(rec: NewRecord): Validated {
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
    return { type: rec.type, body, bodyText, ...(rec.device !== undefined ? { device: rec.device } : {}), ...(ts ? { ts } : {}) };
  }

  private insert(input: Validated): SignedRecord {
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

  /** Outbox: undelivered records with seq > afterSeq, in seq order. */
  pending(afterSeq = 0, limit = 100): SignedRecord[] {
    return (this.stmt.pending.all(afterSeq, limit) as string[]).map(parse);
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

  /** Replay: records with fromSeq <= seq <= toSeq, delivered or not, in seq order. */
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
