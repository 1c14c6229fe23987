// The `keys` table: every public key the gateway ever signed with, so records signed before a
// rotation still verify. Private keys never enter the database.
import type { KeyObject } from 'node:crypto';
import type { Db } from './database.js';
import type { GatewayKey } from './keys.js';
import { toPublicKey } from './record-crypto.js';

export interface KeyRow {
  keyId: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  createdAt: string;
  retiredAt: string | null;
}

interface KeyDbRow {
  key_id: string;
  public_key: string;
  created_at: string;
  retired_at: string | null;
}
const toRow = (r: KeyDbRow): KeyRow => ({ keyId: r.key_id, publicKey: r.public_key, createdAt: r.created_at, retiredAt: r.retired_at });

export class KeyRegistry {
  private readonly cache = new Map<string, KeyObject>();
  constructor(private readonly db: Db) {}

  /** Adds the key if it is not there yet; true when it was added. */
  register(key: Pick<GatewayKey, 'keyId' | 'publicKeyRaw'>, createdAt: string): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO keys (key_id, public_key, created_at, retired_at) VALUES (?, ?, ?, NULL)')
      .run(key.keyId, key.publicKeyRaw.toString('base64'), createdAt);
    return r.changes > 0;
  }

  retire(keyId: string, at: string): void {
    this.db.prepare('UPDATE keys SET retired_at = ? WHERE key_id = ? AND retired_at IS NULL').run(at, keyId);
  }

  get(keyId: string): KeyRow | undefined {
    const r = this.db.prepare('SELECT key_id, public_key, created_at, retired_at FROM keys WHERE key_id = ?').get(keyId) as KeyDbRow | undefined;
    return r && toRow(r);
  }

  list(): KeyRow[] {
    return (this.db.prepare('SELECT key_id, public_key, created_at, retired_at FROM keys ORDER BY created_at, key_id').all() as KeyDbRow[]).map(toRow);
  }

  /** The public key for `keyId`, or undefined when the table does not know it (or holds junk). */
  publicKey(keyId: string): KeyObject | undefined {
    const hit = this.cache.get(keyId);
    if (hit) return hit;
    const row = this.get(keyId);
    if (!row) return undefined;
    try {
      const k = toPublicKey(row.publicKey);
      this.cache.set(keyId, k);
      return k;
    } catch {
      return undefined; // a malformed stored key verifies nothing; the audit reports the records
    }
  }
}
