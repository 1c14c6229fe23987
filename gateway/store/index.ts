// The store's public surface (gateway/store/*): import from here.

export {
  AUDIT_TABLES,
  type AuditOptions,
  type AuditProblem,
  type AuditReport,
  type AuditTable,
  type ChainRef,
  chainRefsOf,
  formatProblem,
  isChainRef,
  verifyStore,
} from './audit.js';
export { type BackupResult, backupDatabase } from './backup.js';
export * from './canonical-json.js';
export { type ChainedLogOptions, chainHash } from './chained-log.js';
export { CHECKPOINT, type CheckpointBody, isCheckpoint, META_CHECKPOINT } from './checkpoint.js';
export { DataDirLock, LOCK_FILE, PID_FILE } from './data-lock.js';
export { DB_FILE, type Db, dbPath, type OpenOptions, openDatabase, openDatabaseFile, withSynchronous } from './database.js';
export { type ExportFilter, exportRecords } from './export.js';
export { KeyRegistry, type KeyRow } from './key-registry.js';
export { isKeyRotation, KEY_ROTATED, type KeyRotationBody } from './key-rotation.js';
export * from './keys.js';
export { META_GATEWAY, META_SITE, MetaTable } from './meta.js';
export { LATEST_VERSION, MIGRATIONS, type Migration, migrate, schemaVersion } from './migrations.js';
export { OpenCycleTable } from './open-cycles.js';
export { canonicalRawLine, linesDigest, type RawLineInput, RawLog, type StoredRawLine } from './raw-log.js';
export * from './record.js';
export * from './record-crypto.js';
export { type ChainHead, RecordLog, type RecordLogContext } from './record-log.js';
export { DEFAULT_RETENTION, LEGAL_MIN_RECORD_DAYS, Retention, type RetentionPolicy, type TableRetention } from './retention.js';
export { type PassResult, RETENTION_FIRST_MS, RetentionRunner } from './retention-runner.js';
export { type ChainedSample, canonicalSample, normalizeSample, type SampleInput, SampleLog, type StoredSample } from './sample-log.js';
export { Store, type StoreContext } from './store.js';
