// A small key/value table: gateway identity and store bookkeeping (e.g. the record head).
import type { Db } from './database.js';

export const META_GATEWAY = 'gateway';
export const META_SITE = 'site';
export const META_CREATED_AT = 'createdAt';
/** `seq:hash` of the last record, written in the same transaction as the record. */
export const META_RECORD_HEAD = 'records.head';

export class MetaTable {
  constructor(private readonly db: Db) {}

  get(key: string): string | undefined {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
  }

  all(): Record<string, string> {
    const rows = this.db.prepare('SELECT key, value FROM meta ORDER BY key').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
}
