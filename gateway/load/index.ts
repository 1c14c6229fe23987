// The load workflow's public surface (gateway/load/*): import from here. Barcodes are decoded on the scanner side (drivers/scanner/barcode/).
export { LoadWorkflow, type LoadWorkflowDeps, type ScanResult } from './load-workflow.js';
export { loadPolicyFrom, scanReadingOf, DEFAULT_LOAD_POLICY, type LoadPolicy, type ReleaseConfigInput, type DeviceInput } from './load-policy.js';
export { DEFAULT_RELEASE_POLICY, type ReleasePolicy, type DeviceGates } from './release-policy.js';
export { DEFAULT_STATION_POLICY, type StationPolicy } from './station-policy.js';
export { RELEASE_STATUSES, REASON_CODES, type ReleaseStatus, type ReasonCode, type ReleaseRecordBody, type CycleKind } from './release-status.js';
export { step, decide, openRelease, recorded, type ReleaseState, type ReleaseEvent, type ReleaseFacts, type ReleaseContext } from './release-machine.js';
export type { LoadContents, LoadItem, BiVial } from './load-contents.js';
export type { RecallRecordBody } from './recall.js';
export { localDate } from '../../vocabulary/local-day.js';
