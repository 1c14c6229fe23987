// How much room the store takes, per table (indexes counted with their table) and per file, for
// /metrics. SQLite's dbstat reads every page of the file: on a 290 MB store that is 0.6–0.9 s on the
// development machine, far too long to block the gateway's event loop. So the tables are measured in a
// worker thread on a read-only connection of its own (WAL lets it read beside the gateway's writes), at
// most every 10 minutes, and a scrape reports the last finished measurement (none until the first one
// is done, a few seconds after the first scrape). The files' sizes are a stat() and always current.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../../vocabulary/errors.js';
import type { Logger } from '../logger.js';
import { dbPath } from '../store/database.js';

export const STORE_SIZE_TTL_MS = 10 * 60_000;

// CommonJS run with `eval`: no file of its own to find, so it works from dist/ and from the sources alike.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
try {
  db.pragma('busy_timeout = 5000');
  const owner = new Map();
  // the chains' rows and lookup tables (migrations 7, 8) count as the tables they were: samples, raw_lines
  const as = { sample_rows: 'samples', chain_devices: 'samples', cycle_ids: 'samples', sample_phases: 'samples', raw_line_rows: 'raw_lines' };
  for (const r of db.prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')").all()) owner.set(r.name, as[r.tbl_name] ?? r.tbl_name);
  const tables = new Map();
  for (const r of db.prepare('SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE').all()) {
    const t = owner.get(r.name) ?? r.name;
    tables.set(t, (tables.get(t) ?? 0) + r.pgsize);
  }
  parentPort.postMessage([...tables]);
} finally {
  db.close();
}
`;

export interface StoreFiles {
  database: number;
  wal: number;
}

export class StoreSizer {
  private tables: ReadonlyMap<string, number> = new Map();
  private measuredAt = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | null = null;
  private readonly driver = createRequire(import.meta.url).resolve('better-sqlite3');

  constructor(
    private readonly dataDir: string,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The last measurement of the tables (empty before the first); starts a new one when it is older than the TTL. */
  tableBytes(): ReadonlyMap<string, number> {
    if (!this.running && this.now() - this.measuredAt >= STORE_SIZE_TTL_MS) void this.measure();
    return this.tables;
  }

  /** Measures the tables now, in a worker; resolves when done (failures are logged, the old answer stays). */
  measure(): Promise<void> {
    this.running ??= new Promise<void>((resolve) => {
      const worker = new Worker(WORKER, { eval: true, workerData: { driver: this.driver, file: dbPath(this.dataDir) } });
      worker.unref();
      worker.once('message', (rows: [string, number][]) => {
        this.tables = new Map(rows);
        this.measuredAt = this.now();
      });
      worker.once('error', (e) => this.logger.warn({ err: errorMessage(e) }, 'metrics: could not measure the store tables; trying again later'));
      worker.once('exit', () => {
        this.measuredAt = Math.max(this.measuredAt, this.now() - STORE_SIZE_TTL_MS / 2); // a failure is retried after half the TTL
        this.running = null;
        resolve();
      });
    });
    return this.running;
  }

  files(): StoreFiles {
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
