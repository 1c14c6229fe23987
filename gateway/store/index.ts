// The store's public surface (gateway/store/*): import from here.
export * from './record.js';
export * from './canonical-json.js';
export * from './record-crypto.js';
export * from './keys.js';
export { KeyRegistry, type KeyRow } from './key-registry.js';
export { KEY_ROTATED, isKeyRotation, type KeyRotationBody } from './key-rotation.js';
export { openDatabase, withSynchronous, dbPath, DB_FILE, type Db, type OpenOptions } from './database.js';
export { MIGRATIONS, LATEST_VERSION, migrate, schemaVersion, type Migration } from './migrations.js';
export { RecordLog, type ChainHead, type RecordLogContext } from './record-log.js';
export { chainHash, type ChainedLogOptions } from './chained-log.js';
export { SampleLog, canonicalSample, normalizeSample, type SampleInput, type ChainedSample, type StoredSample } from './sample-log.js';
export { RawLog, linesDigest, canonicalRawLine, type RawLineInput, type StoredRawLine } from './raw-log.js';
export { OpenCycleTable } from './open-cycles.js';
export { MetaTable, META_SITE, META_GATEWAY } from './meta.js';
export { verifyStore, formatProblem, isChainRef, chainRefsOf, AUDIT_TABLES, type ChainRef, type AuditReport, type AuditProblem, type AuditTable, type AuditOptions } from './audit.js';
export { exportRecords, type ExportFilter } from './export.js';
export { Store, type StoreContext } from './store.js';
