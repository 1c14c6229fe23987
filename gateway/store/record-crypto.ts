// Pure record hashing, signing and verification (docs/mqtt.md). No I/O: a consumer-side
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

/** true when `sig` (base64) is a valid Ed25519 signature by `publicKey` over the 32 raw bytes of `hashHex`. */
export function verifyHashSignature(hashHex: string, sig: string, publicKey: PublicKeyInput): boolean {
  try {
    return verify(null, Buffer.from(hashHex, 'hex'), toPublicKey(publicKey), Buffer.from(sig, 'base64'));
  } catch {
    return false; // malformed key or signature: not a valid signature
  }
}

/** true when `record.sig` is a valid signature by `publicKey` over the hash recomputed from the
 * record's signed fields (not over the stored `hash`, which could have been edited too). */
export function verifyRecordSignature(record: SignedRecord, publicKey: PublicKeyInput): boolean {
  let hash: string;
  try {
    hash = computeRecordHash(record);
  } catch {
    return false; // fields JSON cannot carry: not a valid signature
  }
  return verifyHashSignature(hash, record.sig, publicKey);
}

export type RecordCheck = { ok: true } | { ok: false; reason: string };
export type RecordHashCheck = { ok: true; hash: string } | { ok: false; reason: string };

/** The record's hash recomputed and compared with the hash it carries: the one hash check behind
 * verifyRecord, `db verify` and `verify-record` (record-chain-check.ts). */
export function checkRecordHash(record: SignedFields | SignedRecord, claimed: unknown): RecordHashCheck {
  let hash: string;
  try {
    hash = computeRecordHash(record);
  } catch (e) {
    return { ok: false, reason: `cannot hash record: ${(e as Error).message}` };
  }
  if (hash !== claimed)
    return {
      ok: false,
      reason: `hash mismatch: the content hashes to ${hash.slice(0, 12)}…, the record says ${String(claimed).slice(0, 12)}… (changed after signing)`,
    };
  return { ok: true, hash };
}

/** Why `record.sig` is not a signature by `publicKey` over `hash` (already checked), or null. */
export function signatureProblem(record: Pick<SignedRecord, 'sig' | 'keyId'>, hash: string, publicKey: PublicKeyInput): string | null {
  return verifyHashSignature(hash, record.sig, publicKey) ? null : `signature invalid for key ${record.keyId}`;
}

/** Full check of one received record: its hash matches its content, and its signature is valid. */
export function verifyRecord(record: SignedRecord, publicKey: PublicKeyInput): RecordCheck {
  const hash = checkRecordHash(record, record.hash);
  if (!hash.ok) return hash;
  const sig = signatureProblem(record, hash.hash, publicKey);
  return sig === null ? { ok: true } : { ok: false, reason: sig };
}
