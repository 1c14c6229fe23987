// The Modbus driver family: steam sterilizers and washer-disinfectors over Modbus TCP, RTU on a serial
// bus, and RTU over TCP (serial device server), read through a register map (by default the one of docs/devices.md).

export { type BusLease, ModbusBusRegistry } from './bus-registry.js';
export { type ConnectionCounters, type ConnectionState, ModbusConnection, type ModbusConnectionOptions, type ReadRequest } from './client.js';
export { decodeField, decodeRaw, decodeSnapshot, encodeRaw, type ModbusSnapshot, type Reading } from './decode.js';
export { ModbusDriver, type ModbusDriverCounters, type ModbusDriverOptions, type ModbusPollReport } from './driver.js';
export { describeLink, linkKey, type ModbusLinkSettings, type ModbusMode, validateLinkSettings } from './link-settings.js';
export {
  DEFAULT_STALE_AFTER,
  DEFAULT_STALE_PHASES,
  initialTrackState,
  type ModbusEventOptions,
  type ModbusTrackState,
  markGap,
  type TrackNote,
  trackSnapshot,
} from './parse.js';
export { PollClock } from './poll-clock.js';
export { buildReadPlan, planRanges, type ReadPlanOptions, type ReadRequestSpec, type RegisterLookup, registerLookup } from './read-plan.js';
export {
  DEFAULT_REGISTER_MAP,
  type DevicePhase,
  type FieldSpec,
  MAP_FIELDS,
  MAX_REGISTERS_PER_REQUEST,
  type MapFieldName,
  parseRegisterMap,
  REGISTER_FUNCTIONS,
  REGISTER_TYPES,
  RESULT_MEANINGS,
  type RegisterFunction,
  type RegisterMap,
  type RegisterType,
  type ResultMeaning,
  registerWidth,
  type Sentinel,
  validateRegisterMap,
  WORD_ORDERS,
  type WordOrder,
} from './register-map.js';
export { describeRequest, exceptionName, isModbusRequestError, type ModbusFailureKind, ModbusRequestError, type RequestDescription } from './request-errors.js';
