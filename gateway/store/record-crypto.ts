// Pure record hashing, signing and verification (DESIGN §8). No I/O: a consumer-side
// `verify-record` imports this file alone to check a record it received.
import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { SignedRecord } from './record.js';

/** The fields the hash covers, in no particular order (canonical JSON sorts them). */
export const SIGNED_FIELDS = ['schema', 'id', 'seq', 'type', 'ts', 'site', 'gateway', 'device', 'body', 'prevHash', 'keyId'] as const;
export type SignedFieldName = (typeof SIGNED_FIELDS)[number];
export type SignedFields = Pick<SignedRecord, Exclude<SignedFieldName, 'device'>> & { device?: string };

/** Exactly the signed fields of a record. `hash`, `sig` and anything a transport adds on top
 * (e.g. `historical: true` on a replay) are left out; `device` is left out when it is undefined. */
export function signedFields(record: SignedFields | SignedRecord): SignedFields {
  const out: Record<string, unknown> = {};
  const src = record as unknown as Record<string, unknown>;
  for (const k of SIGNED_FIELDS) if (src[k] !== undefined) out[k] = src[k];
  return out as unknown as SignedFields;
}

/** hex sha256(prevHash + canonicalJSON(signed fields)). */
export function computeRecordHash(record: SignedFields | SignedRecord): string {
  const fields = signedFields(record);
  return createHash('sha256').update(String(fields.prevHash)).update(canonicalJson(fields)).digest('hex');
}

/** base64 Ed25519 signature over the 32 raw bytes of a hex hash. */
export function signHash(hashHex: string, privateKey: KeyObject): string {
  return sign(null, Buffer.from(hashHex, 'hex'), privateKey).toString('base64');
}

/** A public key as a KeyObject, a PEM (SPKI) string, a base64 raw 32-byte key, or the raw bytes. */
export type PublicKeyInput = KeyObject | string | Uint8Array;

export function toPublicKey(key: PublicKeyInput): KeyObject {
  if (key instanceof KeyObject) return key;
  if (typeof key === 'string' && key.includes('-----BEGIN')) return createPublicKey(key);
  const raw = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.from(key);
  if (raw.length !== 32) throw new TypeError(`an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** true when `record.sig` is a valid signature by `publicKey` over the hash recomputed from the
 * record's signed fields (not over the stored `hash`, which could have been edited too). */
export function verifyRecordSignature(record: SignedRecord, publicKey: PublicKeyInput): boolean {
  try {
    const hash = computeRecordHash(record);
    return verify(null, Buffer.from(hash, 'hex'), toPublicKey(publicKey), Buffer.from(record.sig, 'base64'));
  } catch {
    return false; // malformed key, signature or fields: not a valid signature
  }
}

export type RecordCheck = { ok: true } | { ok: false; reason: string };

/** Full check of one received record: its hash matches its content, and its signature is valid. */
export function verifyRecord(record: SignedRecord, publicKey: PublicKeyInput): RecordCheck {
  let hash: string;
  try {
    hash = computeRecordHash(record);
  } catch (e) {
    return { ok: false, reason: `cannot hash record: ${(e as Error).message}` };
  }
  if (hash !== record.hash) return { ok: false, reason: `hash mismatch: content hashes to ${hash.slice(0, 16)}…, record says ${String(record.hash).slice(0, 16)}…` };
  if (!verifyRecordSignature(record, publicKey)) return { ok: false, reason: `signature invalid for key ${record.keyId}` };
  return { ok: true };
}
