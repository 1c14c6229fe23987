// Pure decoding: raw 16-bit register words -> typed values (byte/word order, scale and offset),
// sentinel values -> invalid readings (never numbers), enum codes -> phases and results, and a
// whole poll -> one ModbusSnapshot. No I/O, no clock.

import type { RegisterLookup } from './read-plan.js';
import {
  type DevicePhase,
  type FieldSpec,
  type MapFieldName,
  type RegisterMap,
  type RegisterType,
  type ResultMeaning,
  registerWidth,
  type WordOrder,
} from './register-map.js';

/** A measurement: a number, or why there is none. */
export type Reading = { ok: true; value: number; raw: number } | { ok: false; reason: string; raw: number | null };

/** Byte positions (A..D = 0..3, A most significant) in register order for each word order. */
const BYTE_POSITIONS: Record<WordOrder, readonly [number, number, number, number]> = {
  ABCD: [0, 1, 2, 3],
  CDAB: [2, 3, 0, 1],
  BADC: [1, 0, 3, 2],
  DCBA: [3, 2, 1, 0],
};

/** Four bytes of scratch for 32-bit values (decodeRaw is synchronous: no call sees another's bytes). */
const SCRATCH = new DataView(new ArrayBuffer(4));

const isByteSwapped = (order: WordOrder): boolean => order === 'BADC' || order === 'DCBA';

/** The raw value of `words` (1 or 2 registers) as `type`, before scale and offset. */
export function decodeRaw(words: readonly number[], type: RegisterType, order: WordOrder = 'ABCD'): number {
  const width = registerWidth(type);
  if (words.length < width) throw new RangeError(`${type} needs ${width} register${width > 1 ? 's' : ''}, got ${words.length}`);
  for (let i = 0; i < width; i++) {
    const w = words[i] as number;
    if (!(Number.isInteger(w) && w >= 0 && w <= 0xffff)) throw new RangeError(`register word ${i} is not 0..65535: ${w}`);
  }
  if (width === 1) {
    const w = words[0] as number;
    const word = isByteSwapped(order) ? ((w & 0xff) << 8) | (w >> 8) : w;
    return type === 'int16' ? (word << 16) >> 16 : word;
  }
  // Bytes in wire order (A of the first register first), put where `order` says they belong; no allocation
  // per call (this runs for every 32-bit field of every poll).
  const w0 = words[0] as number;
  const w1 = words[1] as number;
  const [p0, p1, p2, p3] = BYTE_POSITIONS[order];
  SCRATCH.setUint8(p0, w0 >> 8);
  SCRATCH.setUint8(p1, w0 & 0xff);
  SCRATCH.setUint8(p2, w1 >> 8);
  SCRATCH.setUint8(p3, w1 & 0xff);
  switch (type) {
    case 'int32':
      return SCRATCH.getInt32(0);
    case 'uint32':
      return SCRATCH.getUint32(0);
    default:
      return SCRATCH.getFloat32(0);
  }
}

/** Inverse of decodeRaw: the register words a device sends for `raw` (tests, tools). */
export function encodeRaw(raw: number, type: RegisterType, order: WordOrder = 'ABCD'): number[] {
  if (registerWidth(type) === 1) {
    const word = raw & 0xffff;
    return [isByteSwapped(order) ? ((word & 0xff) << 8) | (word >> 8) : word];
  }
  const value = Buffer.alloc(4);
  if (type === 'int32') value.writeInt32BE(raw, 0);
  else if (type === 'uint32') value.writeUInt32BE(raw, 0);
  else value.writeFloatBE(raw, 0);
  const wire = Buffer.alloc(4);
  BYTE_POSITIONS[order].forEach((pos, wireIndex) => {
    wire[wireIndex] = value[pos] as number;
  });
  return [wire.readUInt16BE(0), wire.readUInt16BE(2)];
}

/** Rounds away binary noise from scaling (13452 × 0.01 = 134.52, not 134.52000000000001). */
const tidy = (x: number): number => Math.round(x * 1e6) / 1e6;

/** One field: sentinels and non-finite floats are invalid; else raw × scale + offset. */
export function decodeField(words: readonly number[], field: FieldSpec): Reading {
  const raw = decodeRaw(words, field.type, field.order);
  if (!Number.isFinite(raw)) return { ok: false, reason: 'not a number', raw: null };
  const sentinel = field.sentinels?.find((s) => s.raw === raw);
  if (sentinel !== undefined) return { ok: false, reason: sentinel.meaning, raw };
  return { ok: true, value: tidy(raw * (field.scale ?? 1) + (field.offset ?? 0)), raw };
}

/** Everything one poll read, decoded. A field the map does not have is absent. */
export interface ModbusSnapshot {
  /** Phase from the map's table; undefined when the code is not in it (see phaseCode). */
  phase: DevicePhase | undefined;
  phaseCode: number | undefined;
  cycleNo?: number;
  programNo?: number;
  temp: Reading;
  temp2?: Reading;
  pressure?: Reading;
  jacketPressure?: Reading;
  lethality?: Reading;
  /** Alarm register value, 0 = none. */
  alarm?: number;
  result?: ResultMeaning;
  resultCode?: number;
  /** Device clock in ms since the epoch (clockS × 1000 + clockMs), when the map has one. */
  deviceTimeMs?: number;
}

const MISSING: Reading = { ok: false, reason: 'register not read', raw: null };

/** Decodes one poll's registers with `map`. */
export function decodeSnapshot(map: RegisterMap, lookup: RegisterLookup): ModbusSnapshot {
  const reading = (name: MapFieldName): Reading | undefined => {
    const field = map.fields[name];
    if (field === undefined) return undefined;
    const words: number[] = [];
    for (let i = 0; i < registerWidth(field.type); i++) {
      const w = lookup(field.function, field.address + i);
      if (w === undefined) return MISSING;
      words.push(w);
    }
    return decodeField(words, field);
  };
  const integer = (name: MapFieldName): number | undefined => {
    const r = reading(name);
    return r?.ok === true ? r.raw : undefined;
  };

  const phaseCode = integer('phase');
  const snapshot: ModbusSnapshot = {
    phase: phaseCode === undefined ? undefined : map.phases[String(phaseCode)],
    phaseCode,
    temp: reading('temp') ?? MISSING,
  };
  const cycleNo = integer('cycleNo');
  if (cycleNo !== undefined) snapshot.cycleNo = cycleNo;
  const programNo = integer('programNo');
  if (programNo !== undefined) snapshot.programNo = programNo;
  for (const name of ['temp2', 'pressure', 'jacketPressure', 'lethality'] as const) {
    const r = reading(name);
    if (r !== undefined) snapshot[name] = r;
  }
  const alarm = integer('alarm');
  if (alarm !== undefined) snapshot.alarm = alarm;
  const resultCode = integer('result');
  if (resultCode !== undefined) {
    snapshot.resultCode = resultCode;
    const meaning = map.results?.[String(resultCode)];
    if (meaning !== undefined) snapshot.result = meaning;
  }
  const clockS = integer('clockS');
  if (clockS !== undefined) snapshot.deviceTimeMs = clockS * 1000 + Math.min(999, integer('clockMs') ?? 0);
  return snapshot;
}
