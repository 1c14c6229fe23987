// The Modbus driver family: steam sterilizers and washer-disinfectors over Modbus TCP, RTU on a serial
// bus, and RTU over TCP (serial device server), read through a register map (by default the one of docs/devices.md).

export { ModbusDriver, type ModbusDriverOptions, type ModbusDriverCounters } from './driver.js';
export {
  DEFAULT_REGISTER_MAP, MAP_FIELDS, MAX_REGISTERS_PER_REQUEST, REGISTER_FUNCTIONS, REGISTER_TYPES, RESULT_MEANINGS, WORD_ORDERS,
  parseRegisterMap, registerWidth, validateRegisterMap,
  type DevicePhase, type FieldSpec, type MapFieldName, type RegisterFunction, type RegisterMap, type RegisterType, type ResultMeaning, type Sentinel, type WordOrder,
} from './register-map.js';
export { buildReadPlan, planRanges, registerLookup, type ReadPlanOptions, type ReadRequestSpec, type RegisterLookup } from './read-plan.js';
export { decodeField, decodeRaw, decodeSnapshot, encodeRaw, type ModbusSnapshot, type Reading } from './decode.js';
export { DEFAULT_STALE_AFTER, DEFAULT_STALE_PHASES, initialTrackState, markGap, trackSnapshot, type ModbusEventOptions, type ModbusTrackState, type TrackNote } from './parse.js';
export { ModbusConnection, type ConnectionState, type ConnectionCounters, type ModbusConnectionOptions, type ReadRequest } from './client.js';
export { describeLink, linkKey, validateLinkSettings, type ModbusLinkSettings, type ModbusMode } from './link-settings.js';
export { ModbusRequestError, isModbusRequestError, describeRequest, exceptionName, type ModbusFailureKind, type RequestDescription } from './request-errors.js';
export { ModbusBusRegistry, type BusLease } from './bus-registry.js';
