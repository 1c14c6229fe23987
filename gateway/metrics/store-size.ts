// How much room the store takes, per table (indexes counted with their table) and per file, for
// /metrics. SQLite's dbstat reads every page of the file, so the answer is kept for a minute: a
// scrape every 15 s costs one walk of the database a minute, not four.
import fs from 'node:fs';
import type { Db } from '../store/database.js';
import { dbPath } from '../store/database.js';

export const STORE_SIZE_TTL_MS = 60_000;

export interface StoreSize {
  /** Bytes of pages per table, its indexes included. */
  tables: Map<string, number>;
  /** Bytes of the database file and of its write-ahead log. */
  files: { database: number; wal: number };
}

export class StoreSizer {
  private cached: { at: number; size: StoreSize } | null = null;

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  size(): StoreSize {
    const t = this.now();
    if (this.cached && t - this.cached.at < STORE_SIZE_TTL_MS) return this.cached.size;
    const size = { tables: this.tables(), files: this.files() };
    this.cached = { at: t, size };
    return size;
  }

  private tables(): Map<string, number> {
    const owner = new Map<string, string>();
    for (const r of this.db.prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')").all() as { name: string; tbl_name: string }[])
      owner.set(r.name, r.tbl_name);
    const tables = new Map<string, number>();
    for (const r of this.db.prepare('SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE').all() as { name: string; pgsize: number }[]) {
      const table = owner.get(r.name) ?? r.name;
      tables.set(table, (tables.get(table) ?? 0) + r.pgsize);
    }
    return tables;
  }

  private files(): { database: number; wal: number } {
    const file = dbPath(this.dataDir);
    const sizeOf = (p: string) => {
      try {
        return fs.statSync(p).size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0; // no WAL right after a checkpoint
        throw e;
      }
    };
    return { database: sizeOf(file), wal: sizeOf(`${file}-wal`) };
  }
}
