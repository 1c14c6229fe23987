import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeField, decodeRaw, decodeSnapshot, encodeRaw } from '../../drivers/modbus/decode.js';
import { buildReadPlan, registerLookup } from '../../drivers/modbus/read-plan.js';
import { DEFAULT_REGISTER_MAP, type FieldSpec, type RegisterType, WORD_ORDERS } from '../../drivers/modbus/register-map.js';
import { encodeMachineState, type MachineState } from '../../simulators/modbus/register-image.js';

const INT_RANGES: Record<Exclude<RegisterType, 'float32'>, [number, number]> = {
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

describe('decodeRaw', () => {
  it('reads each type and word order from known register words', () => {
    expect(decodeRaw([0xfffe], 'int16')).toBe(-2);
    expect(decodeRaw([0xfffe], 'uint16')).toBe(65534);
    expect(decodeRaw([0x3412], 'uint16', 'BADC')).toBe(0x1234);
    // 0x12345678 in the four orders
    expect(decodeRaw([0x1234, 0x5678], 'uint32', 'ABCD')).toBe(0x12345678);
    expect(decodeRaw([0x5678, 0x1234], 'uint32', 'CDAB')).toBe(0x12345678);
    expect(decodeRaw([0x3412, 0x7856], 'uint32', 'BADC')).toBe(0x12345678);
    expect(decodeRaw([0x7856, 0x3412], 'uint32', 'DCBA')).toBe(0x12345678);
    expect(decodeRaw([0xffff, 0xfffe], 'int32')).toBe(-2);
    expect(decodeRaw([0x4306, 0x8000], 'float32')).toBe(134.5);
    expect(decodeRaw([0x8000, 0x4306], 'float32', 'CDAB')).toBe(134.5);
  });

  it('rejects too few words and words outside 0..65535', () => {
    expect(() => decodeRaw([1], 'uint32')).toThrow(/needs 2 registers/);
    expect(() => decodeRaw([70000], 'uint16')).toThrow(/not 0..65535/);
  });

  for (const type of Object.keys(INT_RANGES) as (keyof typeof INT_RANGES)[]) {
    it(`round-trips every ${type} in every word order`, () => {
      const [lo, hi] = INT_RANGES[type];
      fc.assert(
        fc.property(fc.integer({ min: lo, max: hi }), fc.constantFrom(...WORD_ORDERS), (v, order) => {
          const words = encodeRaw(v, type, order);
          expect(words.every((w) => w >= 0 && w <= 0xffff)).toBe(true);
          expect(decodeRaw(words, type, order)).toBe(v);
        }),
      );
    });
  }

  it('round-trips float32 in every word order (as float32 rounds it)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(...WORD_ORDERS), (v, order) => {
        expect(decodeRaw(encodeRaw(v, 'float32', order), 'float32', order)).toBe(Math.fround(v));
      }),
    );
  });

  it('a word order is not its own inverse by accident: CDAB words read as ABCD give another number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0x10000, max: 2 ** 32 - 1 }).filter((v) => v >>> 16 !== (v & 0xffff)),
        (v) => {
          expect(decodeRaw(encodeRaw(v, 'uint32', 'CDAB'), 'uint32', 'ABCD')).not.toBe(v);
        },
      ),
    );
  });
});

describe('decodeField', () => {
  const temp: FieldSpec = {
    function: 'input',
    address: 4,
    type: 'int16',
    scale: 0.01,
    sentinels: [
      { raw: -32768, meaning: 'open sensor' },
      { raw: 32767, meaning: 'short-circuited sensor' },
    ],
  };

  it('scales without binary noise and applies the offset', () => {
    expect(decodeField([13452], temp)).toEqual({ ok: true, value: 134.52, raw: 13452 });
    expect(decodeField([0xfff6], { ...temp, scale: 0.1, offset: -1 })).toEqual({ ok: true, value: -2, raw: -10 });
  });

  it('turns sentinels into invalid readings with their meaning, never numbers', () => {
    expect(decodeField([0x8000], temp)).toEqual({ ok: false, reason: 'open sensor', raw: -32768 });
    expect(decodeField([0x7fff], temp)).toEqual({ ok: false, reason: 'short-circuited sensor', raw: 32767 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (w) => {
        const r = decodeField([w], temp);
        if (w === 0x8000 || w === 0x7fff) expect(r.ok).toBe(false);
        else expect(r.ok && Number.isFinite(r.value)).toBe(true);
      }),
    );
  });

  it('a NaN float is invalid', () => {
    expect(decodeField(encodeRaw(Number.NaN, 'float32'), { function: 'holding', address: 0, type: 'float32' })).toEqual({
      ok: false,
      reason: 'not a number',
      raw: null,
    });
  });
});

describe('decodeSnapshot with the default map', () => {
  const plan = buildReadPlan(DEFAULT_REGISTER_MAP);
  const state: MachineState = {
    phaseCode: 3,
    cycleNo: 70_123,
    programNo: 1,
    tempC: 134.52,
    temp2C: null,
    pressureKpa: 312.4,
    jacketKpa: 322.4,
    lethality: 57,
    alarmCode: 0,
    resultCode: 0,
    clockMs: Date.UTC(2025, 2, 14, 9, 30, 5, 250),
  };
  const decode = (s: MachineState) => decodeSnapshot(DEFAULT_REGISTER_MAP, registerLookup(plan, [encodeMachineState(s)]));

  it('reads what the simulated device serves (the default map, both sides)', () => {
    const snap = decode(state);
    expect(snap).toMatchObject({
      phase: 'sterilizing',
      phaseCode: 3,
      cycleNo: 70_123,
      programNo: 1,
      alarm: 0,
      result: 'running',
      resultCode: 0,
      deviceTimeMs: state.clockMs,
      temp: { ok: true, value: 134.52 },
      pressure: { ok: true, value: 312.4 },
      jacketPressure: { ok: true, value: 322.4 },
    });
    expect(snap.temp2).toMatchObject({ ok: false, reason: expect.stringMatching(/no load probe/) });
  });

  it('maps washer phases, results, a washer without pressure, and a negative temperature', () => {
    const snap = decode({ ...state, phaseCode: 14, pressureKpa: null, jacketKpa: null, tempC: -5.5, temp2C: 92.1, resultCode: 3 });
    expect(snap.phase).toBe('disinfect');
    expect(snap.result).toBe('aborted');
    expect(snap.pressure).toMatchObject({ ok: false, reason: expect.stringMatching(/washer/) });
    expect(snap.temp).toMatchObject({ ok: true, value: -5.5 });
    expect(snap.temp2).toMatchObject({ ok: true, value: 92.1 });
  });

  it('leaves an unknown phase code undefined but keeps the code', () => {
    const snap = decode({ ...state, phaseCode: 99 });
    expect(snap.phase).toBeUndefined();
    expect(snap.phaseCode).toBe(99);
  });

  it('marks fields whose registers were not read as invalid', () => {
    const snap = decodeSnapshot(DEFAULT_REGISTER_MAP, () => undefined);
    expect(snap.temp).toMatchObject({ ok: false, reason: 'register not read' });
    expect(snap.phase).toBeUndefined();
    expect(snap.deviceTimeMs).toBeUndefined();
  });
});
