// The store facade: one SQLite file (dataDir/sterilink.db) and the signing key, wired together.
// The constructor only assigns; start() opens, migrates, loads or makes the key and starts the flush
// timer; close() stops the timer, writes what is buffered and closes (idempotent). All data calls
// are synchronous (better-sqlite3).
import fs from 'node:fs';
import type { Logger } from 'pino';
import { GatewayError } from '../../vocabulary/errors.js';
import { type AuditReport, type ChainRef, verifyStore } from './audit.js';
import { type Db, dbPath, openDatabase, WAL_CHECKPOINT_BYTES, withSynchronous } from './database.js';
import { type ExportFilter, exportRecords } from './export.js';
import { BatchFlusher } from './flusher.js';
import { KeyRegistry } from './key-registry.js';
import { recoverPendingKey, rotateStoreKey } from './key-rotation.js';
import { type GatewayKey, loadOrCreateKey, type PublicKeyInfo, publicKeyInfo } from './keys.js';
import { META_CREATED_AT, META_GATEWAY, META_SITE, MetaTable } from './meta.js';
import { OpenCycleTable } from './open-cycles.js';
import { RawLog } from './raw-log.js';
import type { NewRecord, SignedRecord } from './record.js';
import { RecordLog } from './record-log.js';
import { Retention, type RetentionPolicy } from './retention.js';
import { RetentionRunner } from './retention-runner.js';
import { SampleLog } from './sample-log.js';
import { StorageGuard, type StorageStatus } from './storage-guard.js';
import { WalCheckpointer } from './wal-checkpoint.js';
import { WalSyncer, type WalSyncerOptions } from './wal-sync.js';

export interface StoreContext {
  dataDir: string;
  site: string;
  gateway: string;
  logger: Logger;
  /** ms epoch; injectable for tests and simulations. */
  now?: () => number;
  /** Flush buffered samples and raw lines every this many ms (default FLUSH_INTERVAL_MS). */
  flushIntervalMs?: number;
  /** ... or as soon as one log buffers this many (default MAX_BATCH). */
  maxBatch?: number;
  /** Entries a log keeps while writes fail before dropping the oldest (default 50 000). */
  maxBuffered?: number;
  /** Bytes kept free in the data folder as the reserve file for records (docs/operations.md); default 0: none. */
  reserveBytes?: number;
  /** The storage state changed (ok, low, failing): called synchronously, so a listener defers its own writes. */
  onStorageChange?: (s: StorageStatus) => void;
  /** How often the free space is looked at, ms (default 5000). */
  storageCheckMs?: number;
  /** The WAL's fsync (default: FileHandle.sync). Tests hold it to show that records wait for it. */
  walFsync?: WalSyncerOptions['fsync'];
}

/** Samples and raw lines are written every 30 s (or MAX_BATCH rows), and a cycle record or key
 * rotation writes them first. Large batches are what keeps SD-card writes per sample low; the cost is
 * that a crash or power cut loses at most the last 30 s of samples (docs/performance.md, "SD card"). */
export const FLUSH_INTERVAL_MS = 30_000;
export const MAX_BATCH = 5000;

interface Parts {
  db: Db;
  key: GatewayKey;
  registry: KeyRegistry;
  meta: MetaTable;
  records: RecordLog;
  samples: SampleLog;
  raw: RawLog;
  openCycles: OpenCycleTable;
  flusher: BatchFlusher;
  retention: RetentionRunner | null;
  guard: StorageGuard;
  walSync: WalSyncer;
  checkpointer: WalCheckpointer;
}

export class Store {
  private parts: Parts | null = null;
  readonly now: () => number;

  constructor(private readonly ctx: StoreContext) {
    this.now = ctx.now ?? Date.now;
  }

  get started(): boolean {
    return this.parts !== null;
  }

  start(): void {
    if (this.parts) return;
    const { dataDir, logger } = this.ctx;
    let opened: Db | null = null;
    const guard = new StorageGuard({
      inTransaction: () => opened?.inTransaction === true,
      dataDir,
      reserveBytes: this.ctx.reserveBytes ?? 0,
      logger,
      now: this.now,
      ...(this.ctx.storageCheckMs !== undefined ? { checkIntervalMs: this.ctx.storageCheckMs } : {}),
      ...(this.ctx.onStorageChange ? { onChange: this.ctx.onStorageChange } : {}),
    });
    guard.start();
    let db: Db;
    try {
      db = openDatabase(dataDir);
      opened = db;
    } catch (e) {
      guard.stop();
      throw e;
    }
    try {
      // What a killed process left committed but not fsynced is in the page cache: make it durable before
      // the outbox counts it as such (and publishes it).
      fsyncIfPresent(`${dbPath(dataDir)}-wal`);
      fsyncIfPresent(dbPath(dataDir));
      // SQLite's automatic checkpoint would run inside a commit, on the event loop: a worker thread does it (wal-checkpoint.ts)
      db.pragma('wal_autocheckpoint = 0');
      const checkpointer = new WalCheckpointer({ db, file: dbPath(dataDir), thresholdBytes: WAL_CHECKPOINT_BYTES, logger });
      const walSync = new WalSyncer(`${dbPath(dataDir)}-wal`, logger, {
        ...(this.ctx.walFsync ? { fsync: this.ctx.walFsync } : {}),
        onSynced: () => checkpointer.checkSafely(),
      });
      const registry = new KeyRegistry(db);
      const recovered = recoverPendingKey(dataDir, registry);
      if (recovered !== 'none') logger.warn({ recovered }, `store: finished an interrupted key rotation (${recovered} the pending key)`);
      const key = loadOrCreateKey(dataDir);
      const meta = new MetaTable(db);
      const records = new RecordLog({ db, site: this.ctx.site, gateway: this.ctx.gateway, key, now: this.now, guard, durability: walSync, logger });
      this.registerKey(db, registry, key, key.created, records.count());
      this.checkIdentity(meta);
      const opts = { maxBatch: this.ctx.maxBatch ?? MAX_BATCH, maxBuffered: this.ctx.maxBuffered ?? 50_000 };
      const samples = new SampleLog(db, opts, logger);
      const raw = new RawLog(db, opts, logger);
      const flusher = new BatchFlusher({
        db,
        logs: [samples, raw],
        intervalMs: this.ctx.flushIntervalMs ?? FLUSH_INTERVAL_MS,
        logger,
        guard,
        onWritten: () => walSync.request(),
      });
      samples.onFull = () => flusher.flushSafely();
      raw.onFull = () => flusher.flushSafely();
      const openCycles = new OpenCycleTable(db, this.now, guard);
      this.parts = { db, key, registry, meta, records, samples, raw, openCycles, flusher, retention: null, guard, walSync, checkpointer };
      flusher.start();
      checkpointer.start();
      logger.info({ dataDir, keyId: key.keyId, records: records.count() }, 'store: open');
    } catch (e) {
      guard.stop();
      db.close();
      throw e;
    }
  }

  private registerKey(db: Db, registry: KeyRegistry, key: GatewayKey, created: boolean, recordCount: number): void {
    const row = registry.get(key.keyId);
    if (!row) {
      if (recordCount > 0) {
        this.ctx.logger.error(
          { keyId: key.keyId, created },
          'store: the signing key is not one this store has used and no rotation introduced it; records signed from now on will fail `db verify` (was the keys folder lost or replaced?)',
        );
      }
      withSynchronous(db, 'FULL', () => registry.register(key, new Date(this.now()).toISOString()));
    } else if (row.retiredAt) {
      this.ctx.logger.warn({ keyId: key.keyId, retiredAt: row.retiredAt }, 'store: signing with a key that was retired by a rotation');
    }
  }

  private checkIdentity(meta: MetaTable): void {
    for (const [k, v] of [
      [META_GATEWAY, this.ctx.gateway],
      [META_SITE, this.ctx.site],
    ] as const) {
      const was = meta.get(k);
      if (was !== undefined && was !== v) this.ctx.logger.warn({ [k]: v, was }, `store: ${k} changed from ${was} to ${v}; the record chain continues`);
      if (was !== v) meta.set(k, v);
    }
    if (meta.get(META_CREATED_AT) === undefined) meta.set(META_CREATED_AT, new Date(this.now()).toISOString());
  }

  private get p(): Parts {
    if (!this.parts) throw new GatewayError('store.closed', 'the store is not open (call start())');
    return this.parts;
  }

  get db(): Db {
    return this.p.db;
  }
  get records(): RecordLog {
    return this.p.records;
  }
  get samples(): SampleLog {
    return this.p.samples;
  }
  get raw(): RawLog {
    return this.p.raw;
  }
  get openCycles(): OpenCycleTable {
    return this.p.openCycles;
  }
  get meta(): MetaTable {
    return this.p.meta;
  }
  /** Resolves when the WAL fsyncs asked for so far, and the checkpoint they may have started, are done
   * (benches and tests that write faster than the event loop turns). */
  async settleWrites(): Promise<void> {
    const p = this.p;
    await p.walSync.settle();
    await p.checkpointer.settle();
  }

  /** The WAL checkpoint's runner (a worker thread per checkpoint): for tests and metrics. */
  get checkpointer(): WalCheckpointer {
    return this.p.checkpointer;
  }
  get keys(): KeyRegistry {
    return this.p.registry;
  }

  /** Buffered samples and raw lines could not be written at the last try (they wait in memory); false when closed. */
  get writeFailing(): boolean {
    return this.parts?.flusher.writeFailing ?? false;
  }

  get keyId(): string {
    return this.p.key.keyId;
  }

  /** The storage state (ok, low, failing), as the gateway's status shows it. */
  storageStatus(): StorageStatus {
    return this.p.guard.status();
  }

  /** False while the disk is nearly full or writes fail: callers drop device noise (lines and samples
   * outside a cycle) and count it with refuseNoise(), so the space left goes to records. */
  get acceptsNoise(): boolean {
    return this.p.guard.acceptsNoise;
  }

  refuseNoise(kind: 'raw' | 'sample'): void {
    if (kind === 'raw') this.p.guard.refusedRawLines++;
    else this.p.guard.refusedSamples++;
  }

  /** Writes buffered samples and raw lines now (one transaction). */
  flush(): number {
    return this.p.flusher.flush();
  }

  /** Signs, chains and stores a record (published once durable: record-log.ts). Buffered samples and raw
   * lines are written first, so a record is never stored before the device data it refers to. */
  append(rec: NewRecord): SignedRecord {
    this.flush();
    return this.p.records.append(rec);
  }

  /** Saves the open-cycle state now (synchronous=NORMAL, then an fsync of the WAL off the event loop).
   * Buffered samples are not written first: a crash loses at most the last batch of samples, and the
   * resumed cycle then shows that gap as its interruption. */
  saveOpenCycle(deviceId: string, state: unknown): void {
    this.p.openCycles.save(deviceId, state);
    this.p.walSync.request();
  }

  loadOpenCycle(deviceId: string): unknown {
    return this.p.openCycles.load(deviceId);
  }

  clearOpenCycle(deviceId: string): void {
    this.p.openCycles.clear(deviceId);
  }

  /** Where the device's sample chain stands now (buffer written first): put it in the cycle record
   * body as `sampleChain` so the signed record binds the curve; `rawChain` likewise. */
  sampleChainRef(deviceId: string): ChainRef {
    return { deviceId, ...this.p.samples.head(deviceId) };
  }

  rawChainRef(deviceId: string): ChainRef {
    return { deviceId, ...this.p.raw.head(deviceId) };
  }

  publicKeyInfo(): PublicKeyInfo {
    return publicKeyInfo(this.p.key);
  }

  /** Rotates the signing key; the rotation is itself a signed `audit` record (signed by the old key). */
  rotateKey(): { previousKeyId: string; keyId: string; record: SignedRecord } {
    const p = this.p;
    this.flush();
    const r = rotateStoreKey({ dataDir: this.ctx.dataDir, records: p.records, registry: p.registry, current: p.key, now: this.now });
    p.key = r.key;
    this.ctx.logger.info({ previousKeyId: r.previousKeyId, keyId: r.key.keyId, seq: r.record.seq }, 'store: signing key rotated');
    return { previousKeyId: r.previousKeyId, keyId: r.key.keyId, record: r.record };
  }

  /** Retention's steps on this store (checkpoints, deletion in batches): docs/operations.md, "Retention". */
  retention(policy: RetentionPolicy): Retention {
    const p = this.p;
    return new Retention(
      {
        db: p.db,
        records: p.records,
        meta: p.meta,
        now: this.now,
        flush: () => this.flush(),
        append: (body, also) => {
          this.flush();
          return p.records.appendWith({ type: 'audit', body: { ...body } }, also);
        },
      },
      policy,
    );
  }

  /** Runs retention in this process from now on (the gateway); stopped by close(). */
  startRetention(policy: RetentionPolicy, onRecord?: (r: SignedRecord) => void): RetentionRunner {
    const p = this.p;
    p.retention?.stop();
    p.retention = new RetentionRunner(this.retention(policy), policy, this.ctx.logger, onRecord);
    p.retention.start();
    return p.retention;
  }

  verify(): AuditReport {
    this.flush();
    return verifyStore(this.p.db);
  }

  exportRecords(filter: ExportFilter = {}): Generator<string> {
    return exportRecords(this.p.db, filter);
  }

  /** Stops the timer, writes what is buffered, closes the file. Idempotent. */
  close(): void {
    const p = this.parts;
    if (!p) return;
    this.parts = null;
    p.retention?.stop();
    p.flusher.stop();
    p.guard.stop();
    try {
      p.flusher.flush();
    } catch (e) {
      this.ctx.logger.error({ err: e, lost: p.samples.buffered + p.raw.buffered }, 'store: could not write buffered device data at close');
    }
    p.records.close();
    p.checkpointer.close();
    p.db.close(); // the last connection's close checkpoints and fsyncs: what was committed is durable
    p.walSync.close();
  }
}

/** fsync of a file that may not exist (the WAL of a store closed cleanly). */
function fsyncIfPresent(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
