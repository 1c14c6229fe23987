// The integrity proof of a record chain (docs/mqtt.md), written once for both sides: `db verify` feeds it
// the records table row by row (audit.ts), `verify-record` the records a consumer received
// (commands/verify-record.ts). Pure: records and trusted keys in, typed problems out; no I/O, clock or
// logger. A stateful fold fed in seq order, so the store streams millions of rows in constant memory.
//
// Per record, from the most basic check up: seq order (a repeat is a duplicate; a jump is a gap), the
// record format, no field outside the signature but `historical`, hash and prevHash as 64 hex
// characters, the link (prevHash = the previous record's hash, 64 zeros for seq 1), the hash recomputed
// over RFC 8785 canonical JSON, the key (trusted from the start, or introduced by a valid key-rotated
// record signed by a trusted key) and the Ed25519 signature over the recomputed hash.
import type { KeyObject } from 'node:crypto';
import { KEY_ROTATED } from './key-rotation.js';
import { keyIdOf, rawPublicKey } from './keys.js';
import { GENESIS_HASH, RECORD_SCHEMA, type SignedRecord } from './record.js';
import { checkRecordHash, SIGNED_FIELDS, signatureProblem, toPublicKey } from './record-crypto.js';

export type ChainProblemKind = 'format' | 'fields' | 'hash' | 'chain' | 'gap' | 'key' | 'signature' | 'duplicate';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The record's seq; for a gap, the first missing seq. */
  seq: number;
  /** For a gap: the last missing seq. */
  toSeq?: number;
  /** The record's id (null for a gap or a record that cannot be read). */
  id: string | null;
  /** Why, without the seq: each caller says where (`records seq 4: …`, `PROBLEM seq 4: …`). */
  reason: string;
}

export interface TrustedKey {
  keyId: string;
  key: KeyObject;
  /** Where it came from: "--key", "--status FILE", "first record, keys table", "key-rotated record seq 4". */
  source: string;
}

export interface ChainCheckOptions {
  /** Keys trusted before the first record (a consumer's --key / --status). */
  keys?: readonly TrustedKey[];
  /** false: hashes and chain only (a consumer that was given no key). */
  checkSignatures: boolean;
  /** true: the records are the whole chain (the store): it starts at seq 1 and a hole means records
   * were deleted. false: a received set, which may start anywhere and whose holes ask for a replay. */
  wholeChain: boolean;
  /** The store's keys table: the base64 public key it holds for a key id. It never vouches for a key on
   * its own (a key slipped into the table cannot sign records); it sharpens messages and is
   * cross-checked against rotation records. */
  keyTable?: (keyId: string) => string | undefined;
  /** Trust on first use: the key of the first readable record, as the keys table holds it (the store). */
  trustFirstKey?: boolean;
  /** keyId -> seq of the key-rotated record that retired it: a hint for records signed with an old key
   * the consumer was not given (it can only come from looking ahead in a received set). */
  retiredAt?: ReadonlyMap<string, number>;
  /** With wholeChain: the chain is checked from this seq on (the store after pruning, or from a signed
   * checkpoint), linked to `prevHash` (null: the link of the first record is not checked). Default
   * seq 1 from the genesis hash. */
  startAt?: { seq: number; prevHash: string | null };
}

/** Where the chain ended, as the writer recorded it (the store's `records.head`). */
export interface ChainEnd {
  seq: number;
  hash: string;
}

const REQUIRED_FIELDS = ['schema', 'id', 'seq', 'type', 'ts', 'site', 'gateway', 'body', 'prevHash', 'hash', 'sig', 'keyId'] as const;
const STRING_FIELDS = ['id', 'site', 'gateway', 'prevHash', 'hash', 'sig', 'keyId'] as const;
/** Top-level fields a record may carry outside the signature. */
const UNSIGNED_FIELDS: ReadonlySet<string> = new Set(['hash', 'sig', 'historical']);
const SIGNED: ReadonlySet<string> = new Set(SIGNED_FIELDS);
const HEX64 = /^[0-9a-f]{64}$/;

/** Why `x` is not shaped like a record (the fields, their JSON types), or null: what both sides refuse
 * to check at all (a consumer: bad input; the store: a row whose json is not a record). */
export function recordShapeProblem(x: unknown): string | null {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'expected a record (a JSON object)';
  const r = x as Record<string, unknown>;
  const missing = REQUIRED_FIELDS.filter((k) => r[k] === undefined);
  if (missing.length) return `not a SteriLink record: missing ${missing.join(', ')}`;
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) return `seq must be an integer >= 1, found ${JSON.stringify(r.seq)}`;
  for (const k of STRING_FIELDS) if (typeof r[k] !== 'string') return `${k} must be a string`;
  if (!r.body || typeof r.body !== 'object' || Array.isArray(r.body)) return 'body must be an object';
  return null;
}

const isRotationEvent = (r: SignedRecord): boolean => r.type === 'audit' && (r.body as { event?: unknown }).event === KEY_ROTATED;

/** keyId -> seq of the key-rotated record that retired it, over a set of records (for `retiredAt`). */
export function keysRetiredBy(records: Iterable<SignedRecord>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) {
    const previous = (r.body as { previousKeyId?: unknown }).previousKeyId;
    if (isRotationEvent(r) && typeof previous === 'string') out.set(previous, r.seq);
  }
  return out;
}

const short = (h: unknown) => `${String(h).slice(0, 12)}…`;

/** Feed records in seq order with check(); what cannot be read as a record goes to unreadable(), so the
 * chain still moves on; finish() checks the end. Each returns the problems found at that step. */
export class RecordChainChecker {
  private readonly trusted = new Map<string, TrustedKey>();
  /** The next seq expected; null until the first record of a received set. */
  private expected: number | null;
  /** The hash of record `expected - 1`; null when unknown (a hole, or a received set starting mid-chain). */
  private prevHash: string | null;
  private last: { seq: number; hash: string; id: string | null } | null = null;
  private firstSeen = false;

  constructor(private readonly opts: ChainCheckOptions) {
    for (const k of opts.keys ?? []) if (!this.trusted.has(k.keyId)) this.trusted.set(k.keyId, k);
    this.expected = opts.wholeChain ? (opts.startAt?.seq ?? 1) : null;
    this.prevHash = opts.wholeChain ? (opts.startAt ? opts.startAt.prevHash : GENESIS_HASH) : null;
  }

  /** The keys trusted so far: those given, the first record's (trustFirstKey), then each rotation's. */
  get keys(): readonly TrustedKey[] {
    return [...this.trusted.values()];
  }

  /** The seq of the last record checked or passed over; null before the first. */
  get lastSeq(): number | null {
    return this.last?.seq ?? null;
  }

  check(rec: SignedRecord): ChainProblem[] {
    const out: ChainProblem[] = [];
    const add = (kind: ChainProblemKind, reason: string) => out.push({ kind, seq: rec.seq, id: rec.id, reason });
    const last = this.last;
    if (last && rec.seq === last.seq) {
      add(
        'duplicate',
        last.hash === rec.hash ? `two records with ids ${last.id} and ${rec.id}` : `two different records (hash ${short(last.hash)} and ${short(rec.hash)})`,
      );
      return out;
    }
    if (last && rec.seq < last.seq) {
      add('chain', `out of order: comes after seq ${last.seq}`);
      return out;
    }
    const link = this.position(rec.seq, out);
    if (!this.firstSeen) this.trustFirst(rec);

    if (rec.schema !== RECORD_SCHEMA) add('format', `record format ${JSON.stringify(rec.schema)} is not ${RECORD_SCHEMA}; this version cannot check it`);
    const extra = Object.keys(rec).filter((k) => !SIGNED.has(k) && !UNSIGNED_FIELDS.has(k));
    if (extra.length) add('fields', `${extra.join(', ')} outside the signature (only historical may be added to a record)`);
    const hex = HEX64.test(rec.hash) && HEX64.test(rec.prevHash);
    if (!hex) add('hash', 'hash and prevHash must be 64 lowercase hex characters');
    if (rec.seq === 1 && rec.prevHash !== GENESIS_HASH) add('chain', 'prevHash must be 64 zeros (the first record)');
    else if (link !== null && rec.prevHash !== link)
      add('chain', `prevHash ${short(rec.prevHash)} is not the hash of seq ${rec.seq - 1} (${short(link)}): chain broken`);
    if (hex) this.checkHashAndKey(rec, add);
    this.moveOn(rec.seq, rec.hash, rec.id);
    return out;
  }

  /** A record at `seq` that cannot be checked (its json is not a record; the store's columns disagree
   * with it): reported as `reason`; the chain moves on with `hash` as its link. */
  unreadable(seq: number, hash: string, reason: string, kind: ChainProblemKind = 'format'): ChainProblem[] {
    const out: ChainProblem[] = [];
    this.position(seq, out);
    out.push({ kind, seq, id: null, reason });
    this.moveOn(seq, hash, null);
    return out;
  }

  /** The end of the chain against where its writer says it ended: rows cut off the end, or added. */
  finish(end?: ChainEnd): ChainProblem[] {
    if (!end) return [];
    const lastSeq = this.last?.seq ?? 0;
    if (lastSeq < end.seq) {
      return [{ kind: 'gap', seq: lastSeq + 1, toSeq: end.seq, id: null, reason: `records ${lastSeq + 1}..${end.seq} missing at the end (deleted)` }];
    }
    if (lastSeq > end.seq)
      return [{ kind: 'chain', seq: end.seq + 1, id: null, reason: `records after seq ${end.seq} were not written by the gateway (head is ${end.seq})` }];
    if (this.last && this.last.hash !== end.hash)
      return [{ kind: 'chain', seq: lastSeq, id: null, reason: 'last record differs from the head written with it' }];
    return [];
  }

  /** The link a record at `seq` must carry (null: unknown), reporting a hole before it. */
  private position(seq: number, out: ChainProblem[]): string | null {
    const expected = this.expected;
    if (expected === null || seq === expected) return expected === null ? null : this.prevHash;
    if (seq > expected) {
      const n = seq - expected;
      const reason = this.opts.wholeChain
        ? `${n} record(s) missing: seq ${expected}..${seq - 1} (deleted)`
        : `missing before seq ${seq} (gap of ${n}); ask the gateway for a replay from seq ${expected}`;
      out.push({ kind: 'gap', seq: expected, toSeq: seq - 1, id: null, reason });
    }
    return null; // after a hole the previous link is unknown
  }

  private moveOn(seq: number, hash: unknown, id: string | null): void {
    const h = typeof hash === 'string' ? hash : '';
    this.expected = seq + 1;
    this.prevHash = h;
    this.last = { seq, hash: h, id };
  }

  private trustFirst(rec: SignedRecord): void {
    this.firstSeen = true;
    if (!this.opts.trustFirstKey || typeof rec.keyId !== 'string' || this.trusted.has(rec.keyId)) return;
    const stored = this.opts.keyTable?.(rec.keyId);
    if (stored === undefined) return;
    try {
      this.trusted.set(rec.keyId, { keyId: rec.keyId, key: toPublicKey(stored), source: 'first record, keys table' });
    } catch {
      // a malformed stored key vouches for nothing: the records it signed are reported
    }
  }

  private checkHashAndKey(rec: SignedRecord, add: (kind: ChainProblemKind, reason: string) => void): void {
    const hash = checkRecordHash(rec, rec.hash);
    if (!hash.ok) add('hash', hash.reason);
    if (!this.opts.checkSignatures) return;
    const key = this.trusted.get(rec.keyId);
    if (!key) {
      add('key', this.untrustedKeyReason(rec.keyId));
      return;
    }
    if (!hash.ok) return; // a signature over other content cannot make it valid
    const sig = signatureProblem(rec, hash.hash, key.key);
    if (sig !== null) add('signature', sig);
    else if (isRotationEvent(rec)) this.introduceKey(rec, add);
  }

  private untrustedKeyReason(keyId: string): string {
    const trusted = this.keys.map((k) => `${k.keyId} (${k.source})`).join(', ') || 'none';
    const listed = this.opts.keyTable?.(keyId) !== undefined ? '; the keys table lists it, but only the chain vouches for a key' : '';
    const retired = this.opts.retiredAt?.get(keyId);
    const hint = retired === undefined ? '' : `; it is the key the rotation at seq ${retired} retired: trust it too to check these records`;
    return `signed by key ${keyId}, which is not among the trusted keys (${trusted}) and which no earlier key-rotation record introduced${listed}${hint}`;
  }

  /** A valid key-rotated record signed by a trusted key makes the key it names trusted. */
  private introduceKey(rec: SignedRecord, add: (kind: ChainProblemKind, reason: string) => void): void {
    const body = rec.body as { keyId?: unknown; publicKey?: unknown };
    const named = String(body.keyId);
    let key: KeyObject;
    let keyId: string;
    try {
      if (typeof body.publicKey !== 'string') throw new Error('publicKey is not a string');
      key = toPublicKey(body.publicKey);
      keyId = keyIdOf(rawPublicKey(key));
    } catch (e) {
      add('key', `key-rotated record carries no valid public key for ${named}: ${(e as Error).message}`);
      return;
    }
    if (keyId !== body.keyId) {
      add('key', `key-rotated record names key ${named} but its public key has id ${keyId}`);
      return;
    }
    const stored = this.opts.keyTable?.(keyId);
    if (stored !== undefined && stored !== body.publicKey) add('key', `keys table holds a different public key for ${keyId} than the rotation record`);
    if (!this.trusted.has(keyId)) this.trusted.set(keyId, { keyId, key, source: `key-rotated record seq ${rec.seq}` });
  }
}
