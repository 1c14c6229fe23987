// Signed record chains made with the store's own signing functions, for the chain checker's tests (unit:
// record-chain-check, verify-record; integration: db verify and verify-record on the same tampered sets).
import { randomUUID } from 'node:crypto';
import { KEY_ROTATED } from '../../gateway/store/key-rotation.js';
import { type GatewayKey, generateGatewayKey } from '../../gateway/store/keys.js';
import { GENESIS_HASH, RECORD_SCHEMA, type RecordType, type SignedRecord } from '../../gateway/store/record.js';
import { computeRecordHash, signHash } from '../../gateway/store/record-crypto.js';

export const b64 = (k: GatewayKey): string => k.publicKeyRaw.toString('base64');

export interface ChainOptions {
  key?: GatewayKey;
  /** Seq of a key-rotated audit record (signed with the old key) naming `next`. */
  rotateAt?: number;
  /** The key the rotation introduces (default a new one). */
  next?: GatewayKey;
  /** false: records after the rotation are still signed with the old key (as an intruder's would be). */
  useNext?: boolean;
  site?: string;
  gateway?: string;
}

/** A chain of n records from seq 1, signed like the store signs them. */
export function signedChain(n: number, opts: ChainOptions = {}): SignedRecord[] {
  let key = opts.key ?? generateGatewayKey();
  const out: SignedRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    let type: RecordType = seq % 2 ? 'cycle' : 'alarm';
    let body: Record<string, unknown> = { verdict: 'pass', n: seq };
    const rotating = opts.rotateAt === seq;
    const next = rotating ? (opts.next ?? generateGatewayKey()) : undefined;
    if (next) {
      type = 'audit';
      body = { event: KEY_ROTATED, algorithm: 'Ed25519', previousKeyId: key.keyId, keyId: next.keyId, publicKey: b64(next) };
    }
    const fields = {
      schema: RECORD_SCHEMA,
      id: randomUUID(),
      seq,
      type,
      ts: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
      site: opts.site ?? 'h1',
      gateway: opts.gateway ?? 'gw1',
      ...(type === 'audit' ? {} : { device: 'AC-01' }),
      body,
      prevHash,
      keyId: key.keyId,
    };
    const hash = computeRecordHash(fields);
    out.push({ ...fields, hash, sig: signHash(hash, key.privateKey) } as SignedRecord);
    prevHash = hash;
    if (next && opts.useNext !== false) key = next;
  }
  return out;
}

/** Re-hashes and re-signs a record after a change, as someone holding `key` would. */
export function resign(r: SignedRecord, key: GatewayKey): SignedRecord {
  const { hash: _h, sig: _s, ...fields } = r;
  const hash = computeRecordHash(fields);
  return { ...fields, hash, sig: signHash(hash, key.privateKey) } as SignedRecord;
}
