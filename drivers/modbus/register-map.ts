// A Modbus register map: which registers hold what, as plain JSON-compatible data, so a site can
// describe a vendor's map in its YAML config without code. validateRegisterMap() lints one and names
// every problem at once (`path: expected …, found …`); DEFAULT_REGISTER_MAP is the default map of docs/devices.md, the map
// `driver: modbus` reads when a device has no `map` and the one the simulators serve.

import type { CycleEndStatus } from '../../vocabulary/device-event.js';
import { GatewayError } from '../../vocabulary/errors.js';
import { type DevicePhase, isPhase, PHASE_OF_CODE } from '../../vocabulary/phases.js';

export type RegisterFunction = 'holding' | 'input';
export type RegisterType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32';
/** Byte order of a value: A is its most significant byte. `ABCD` = big-endian, high word first;
 * `CDAB` = low word first; `BADC`/`DCBA` = bytes swapped inside each word. For 16-bit types only
 * the byte swap matters (`ABCD`/`CDAB` read AB, `BADC`/`DCBA` read BA). */
export type WordOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

/** A raw register value that is a status, never a measurement (e.g. −32768 = open sensor). */
export interface Sentinel {
  raw: number;
  meaning: string;
}

export interface FieldSpec {
  function: RegisterFunction;
  /** Register address, 0-based as on the wire (30001 in a vendor table = input register 0). */
  address: number;
  type: RegisterType;
  /** Default `ABCD`. */
  order?: WordOrder;
  /** value = raw × scale + offset. Default 1 and 0. */
  scale?: number;
  offset?: number;
  /** For people reading the map; the driver knows each field's unit from its name. */
  unit?: string;
  sentinels?: Sentinel[];
}

/** What a map can locate. `phase` and `temp` are required; the rest are optional. */
export const MAP_FIELDS = [
  'phase',
  'cycleNo',
  'programNo',
  'temp',
  'temp2',
  'pressure',
  'jacketPressure',
  'lethality',
  'alarm',
  'result',
  'clockS',
  'clockMs',
] as const;
export type MapFieldName = (typeof MAP_FIELDS)[number];
const REQUIRED_FIELDS: readonly MapFieldName[] = ['phase', 'temp'];
/** Fields read as plain integers (codes, counters, clock). */
const INTEGER_FIELDS: readonly MapFieldName[] = ['phase', 'cycleNo', 'programNo', 'alarm', 'result', 'clockS', 'clockMs'];

export type { DevicePhase };
export type ResultMeaning = 'running' | CycleEndStatus;
export const RESULT_MEANINGS: readonly ResultMeaning[] = ['running', 'ok', 'aborted', 'fault'];

export interface RegisterMap {
  name: string;
  description?: string;
  fields: { phase: FieldSpec; temp: FieldSpec } & Partial<Record<MapFieldName, FieldSpec>>;
  /** Phase register value -> canonical phase (or `idle`). */
  phases: Record<string, DevicePhase>;
  /** Result register value -> running / cycle-end status. */
  results?: Record<string, ResultMeaning>;
  /** Alarm register value -> text (the code itself is the number). */
  alarms?: Record<string, string>;
}

export const REGISTER_TYPES: readonly RegisterType[] = ['int16', 'uint16', 'int32', 'uint32', 'float32'];
export const WORD_ORDERS: readonly WordOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];
export const REGISTER_FUNCTIONS: readonly RegisterFunction[] = ['holding', 'input'];
/** Registers one read request may ask for (function 3 and 4 limit). */
export const MAX_REGISTERS_PER_REQUEST = 125;

export function registerWidth(type: RegisterType): 1 | 2 {
  return type === 'int16' || type === 'uint16' ? 1 : 2;
}

const input = (address: number, type: RegisterType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ function: 'input', address, type, ...extra });
const OPEN = { raw: -32768, meaning: 'open sensor' };
const SHORT = { raw: 32767, meaning: 'short-circuited sensor' };

/** The default map (docs/devices.md): input registers 0–13, big-endian words, one map for sterilizers and washers. */
export const DEFAULT_REGISTER_MAP: RegisterMap = deepFreeze({
  name: 'sterilink-default',
  description: 'the default map of docs/devices.md: input registers 0–13 (phase, cycle, program, temperatures, pressures, F0/A0, alarm, result, clock)',
  fields: {
    phase: input(0, 'uint16'),
    cycleNo: input(1, 'uint32', { order: 'ABCD' }),
    programNo: input(3, 'uint16'),
    temp: input(4, 'int16', { scale: 0.01, unit: '°C', sentinels: [OPEN, SHORT] }),
    temp2: input(5, 'int16', { scale: 0.01, unit: '°C', sentinels: [{ raw: -32768, meaning: 'no load probe (or open sensor)' }, SHORT] }),
    pressure: input(6, 'uint16', { scale: 0.1, unit: 'kPa abs', sentinels: [{ raw: 0, meaning: 'no chamber pressure sensor (washer)' }] }),
    jacketPressure: input(7, 'uint16', { scale: 0.1, unit: 'kPa abs', sentinels: [{ raw: 0, meaning: 'no jacket' }] }),
    lethality: input(8, 'uint16', { unit: 'A0 s (washer) or F0 min × 10 (steam)' }),
    alarm: input(9, 'uint16'),
    result: input(10, 'uint16'),
    clockS: input(11, 'uint32', { order: 'ABCD', unit: 's since 1970' }),
    clockMs: input(13, 'uint16', { unit: 'ms' }),
  },
  phases: { ...PHASE_OF_CODE },
  results: { 0: 'running', 1: 'ok', 2: 'fault', 3: 'aborted' },
});

/** Every problem with `data` as a register map, as `path: expected …, found …`; empty when valid. */
export function validateRegisterMap(data: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(data)) return [`map: expected a mapping with name, fields and phases, found ${show(data)}`];
  for (const key of Object.keys(data)) {
    if (!['name', 'description', 'fields', 'phases', 'results', 'alarms'].includes(key))
      problems.push(`${key}: expected no such key (name, description, fields, phases, results, alarms), found ${show(data[key])}`);
  }
  if (typeof data.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(data.name))
    problems.push(`name: expected a name of letters, digits, '.', '-' or '_', found ${show(data.name)}`);
  if (data.description !== undefined && typeof data.description !== 'string') problems.push(`description: expected a string, found ${show(data.description)}`);

  if (!isRecord(data.fields)) {
    problems.push(`fields: expected a mapping of ${MAP_FIELDS.join(', ')} to register specs, found ${show(data.fields)}`);
  } else {
    for (const name of REQUIRED_FIELDS)
      if (data.fields[name] === undefined) problems.push(`fields.${name}: expected a register spec (required), found nothing`);
    for (const [name, spec] of Object.entries(data.fields)) {
      if (!(MAP_FIELDS as readonly string[]).includes(name)) {
        problems.push(`fields.${name}: expected one of ${MAP_FIELDS.join(', ')}, found an unknown field`);
        continue;
      }
      checkField(problems, `fields.${name}`, spec, INTEGER_FIELDS.includes(name as MapFieldName));
    }
  }

  if (!isRecord(data.phases) || Object.keys(data.phases).length === 0) {
    problems.push(`phases: expected a mapping of phase codes to phases, found ${show(data.phases)}`);
  } else {
    for (const [code, phase] of Object.entries(data.phases)) {
      if (!isCode(code)) problems.push(`phases.${code}: expected a register value 0..65535 as key, found ${JSON.stringify(code)}`);
      if (phase !== 'idle' && !isPhase(phase)) problems.push(`phases.${code}: expected idle or a phase (docs/architecture.md), found ${show(phase)}`);
    }
  }
  checkCodeTable(problems, 'results', data.results, (v) => RESULT_MEANINGS.includes(v as ResultMeaning), `one of ${RESULT_MEANINGS.join(', ')}`);
  checkCodeTable(problems, 'alarms', data.alarms, (v) => typeof v === 'string' && v.length > 0, 'a text');
  return problems;
}

/** The map, or a GatewayError `device.modbus.map-invalid` listing every problem. */
export function parseRegisterMap(data: unknown): RegisterMap {
  const problems = validateRegisterMap(data);
  if (problems.length > 0) {
    const name = isRecord(data) && typeof data.name === 'string' ? data.name : '(unnamed)';
    throw new GatewayError('device.modbus.map-invalid', `Modbus register map ${name} is invalid:\n  ${problems.join('\n  ')}`, { map: name, problems });
  }
  return data as RegisterMap;
}

function checkField(problems: string[], path: string, spec: unknown, integer: boolean): void {
  if (!isRecord(spec)) {
    problems.push(`${path}: expected a register spec {function, address, type}, found ${show(spec)}`);
    return;
  }
  const known = ['function', 'address', 'type', 'order', 'scale', 'offset', 'unit', 'sentinels'];
  for (const key of Object.keys(spec))
    if (!known.includes(key)) problems.push(`${path}.${key}: expected no such key (${known.join(', ')}), found ${show(spec[key])}`);
  if (!REGISTER_FUNCTIONS.includes(spec.function as RegisterFunction))
    problems.push(`${path}.function: expected one of ${REGISTER_FUNCTIONS.join(', ')}, found ${show(spec.function)}`);
  const typeOk = REGISTER_TYPES.includes(spec.type as RegisterType);
  if (!typeOk) problems.push(`${path}.type: expected one of ${REGISTER_TYPES.join(', ')}, found ${show(spec.type)}`);
  if (typeOk && integer && spec.type === 'float32') problems.push(`${path}.type: expected an integer type for a code or counter, found "float32"`);
  const width = typeOk ? registerWidth(spec.type as RegisterType) : 1;
  if (!(Number.isInteger(spec.address) && (spec.address as number) >= 0 && (spec.address as number) + width <= 65536)) {
    problems.push(`${path}.address: expected an integer 0..${65536 - width}, found ${show(spec.address)}`);
  }
  if (spec.order !== undefined && !WORD_ORDERS.includes(spec.order as WordOrder))
    problems.push(`${path}.order: expected one of ${WORD_ORDERS.join(', ')}, found ${show(spec.order)}`);
  if (spec.scale !== undefined && !(typeof spec.scale === 'number' && Number.isFinite(spec.scale) && spec.scale !== 0))
    problems.push(`${path}.scale: expected a finite non-zero number, found ${show(spec.scale)}`);
  if (spec.offset !== undefined && !(typeof spec.offset === 'number' && Number.isFinite(spec.offset)))
    problems.push(`${path}.offset: expected a finite number, found ${show(spec.offset)}`);
  if (integer && ((spec.scale ?? 1) !== 1 || (spec.offset ?? 0) !== 0))
    problems.push(`${path}: expected no scale or offset on a code or counter, found scale ${show(spec.scale)} offset ${show(spec.offset)}`);
  if (spec.unit !== undefined && typeof spec.unit !== 'string') problems.push(`${path}.unit: expected a string, found ${show(spec.unit)}`);
  if (spec.sentinels !== undefined) {
    if (!Array.isArray(spec.sentinels)) {
      problems.push(`${path}.sentinels: expected a list of {raw, meaning}, found ${show(spec.sentinels)}`);
    } else {
      spec.sentinels.forEach((s: unknown, i) => {
        if (!isRecord(s) || typeof s.meaning !== 'string' || s.meaning === '') {
          problems.push(`${path}.sentinels[${i}]: expected {raw, meaning}, found ${show(s)}`);
        } else if (typeOk && !representable(s.raw, spec.type as RegisterType)) {
          problems.push(`${path}.sentinels[${i}].raw: expected a raw ${String(spec.type)} value, found ${show(s.raw)}`);
        }
      });
    }
  }
}

function checkCodeTable(problems: string[], path: string, table: unknown, valueOk: (v: unknown) => boolean, expected: string): void {
  if (table === undefined) return;
  if (!isRecord(table)) {
    problems.push(`${path}: expected a mapping of register values to ${expected}, found ${show(table)}`);
    return;
  }
  for (const [code, value] of Object.entries(table)) {
    if (!isCode(code)) problems.push(`${path}.${code}: expected a register value 0..65535 as key, found ${JSON.stringify(code)}`);
    if (!valueOk(value)) problems.push(`${path}.${code}: expected ${expected}, found ${show(value)}`);
  }
}

function representable(raw: unknown, type: RegisterType): boolean {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return false;
  if (type === 'float32') return true;
  if (!Number.isInteger(raw)) return false;
  const ranges: Record<Exclude<RegisterType, 'float32'>, readonly [number, number]> = {
    int16: [-32768, 32767],
    uint16: [0, 65535],
    int32: [-(2 ** 31), 2 ** 31 - 1],
    uint32: [0, 2 ** 32 - 1],
  };
  const [lo, hi] = ranges[type];
  return raw >= lo && raw <= hi;
}

const isCode = (key: string): boolean => /^\d+$/.test(key) && Number(key) <= 65535;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (isRecord(v)) return 'a mapping';
  return String(v);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
