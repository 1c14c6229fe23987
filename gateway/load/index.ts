// The load workflow's public surface (gateway/load/*): import from here. Barcodes are decoded on the scanner side (drivers/scanner/barcode/).

export { localDate } from '../../vocabulary/local-day.js';
export type { BiVial, LoadContents, LoadItem } from './load-contents.js';
export { DEFAULT_LOAD_POLICY, type DeviceInput, type LoadPolicy, loadPolicyFrom, type ReleaseConfigInput, scanReadingOf } from './load-policy.js';
export { LoadWorkflow, type LoadWorkflowDeps, type ScanResult } from './load-workflow.js';
export type { RecallRecordBody } from './recall.js';
export { decide, openRelease, type ReleaseContext, type ReleaseEvent, type ReleaseFacts, type ReleaseState, recorded, step } from './release-machine.js';
export { DEFAULT_RELEASE_POLICY, type DeviceGates, type ReleasePolicy } from './release-policy.js';
export { type CycleKind, REASON_CODES, RELEASE_STATUSES, type ReasonCode, type ReleaseRecordBody, type ReleaseStatus } from './release-status.js';
export { DEFAULT_STATION_POLICY, type StationPolicy } from './station-policy.js';
