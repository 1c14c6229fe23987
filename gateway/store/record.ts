// The signed, chained record (docs/mqtt.md): the unit the gateway stores, publishes and a consumer verifies.

export const RECORD_SCHEMA = 'sterilink.record/1';
export const RECORD_TYPES = ['cycle', 'release', 'bi', 'scan', 'alarm', 'recall', 'audit', 'loaner'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface SignedRecord {
  schema: string;
  id: string; // uuid v4
  seq: number; // gateway-wide, 1-based, no holes
  type: RecordType;
  ts: string; // ISO 8601 UTC, when the record was made
  site: string;
  gateway: string;
  device?: string;
  body: Record<string, unknown>;
  prevHash: string; // hex sha256 of the previous record, 64 zeros for seq 1
  hash: string; // hex sha256(prevHash + canonical JSON of the record without hash/sig)
  sig: string; // base64 Ed25519 signature over the hash (as its 32 raw bytes)
  keyId: string; // first 16 hex chars of sha256 of the raw public key
}

export const GENESIS_HASH = '0'.repeat(64);

export interface NewRecord {
  type: RecordType;
  device?: string;
  body: Record<string, unknown>;
  /** Defaults to now. */
  ts?: string;
}
