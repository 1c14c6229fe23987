import { describe, expect, it } from 'vitest';
import { DEFAULT_REGISTER_MAP, parseRegisterMap, validateRegisterMap } from '../../drivers/modbus/register-map.js';
import { isGatewayError } from '../../vocabulary/errors.js';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('register maps', () => {
  it('the built-in default map lints clean, survives a JSON/YAML round trip and is frozen', () => {
    expect(validateRegisterMap(DEFAULT_REGISTER_MAP)).toEqual([]);
    expect(validateRegisterMap(clone(DEFAULT_REGISTER_MAP))).toEqual([]);
    expect(Object.isFrozen(DEFAULT_REGISTER_MAP.fields.temp)).toBe(true);
  });

  it('names every problem at once as `path: expected …, found …`', () => {
    type Loose = { fields: Record<string, Record<string, unknown>>; phases: Record<string, unknown>; results?: unknown; colour?: unknown };
    const bad = clone(DEFAULT_REGISTER_MAP) as unknown as Loose;
    const f = (name: string): Record<string, unknown> => bad.fields[name] as Record<string, unknown>;
    delete bad.fields.temp;
    f('pressure').type = 'int64';
    f('cycleNo').scale = 0.1;
    f('alarm').address = 70000;
    bad.fields.humidity = { function: 'input', address: 20, type: 'uint16' };
    f('temp2').sentinels = [{ raw: 40000, meaning: 'x' }];
    f('clockS').order = 'ADCB';
    bad.phases['3'] = 'sterilising';
    bad.phases.x = 'idle';
    bad.results = { 1: 'passed' };
    bad.colour = 'red';
    const problems = validateRegisterMap(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'fields.temp: expected a register spec (required), found nothing',
        'fields.pressure.type: expected one of int16, uint16, int32, uint32, float32, found "int64"',
        'fields.cycleNo: expected no scale or offset on a code or counter, found scale 0.1 offset nothing',
        'fields.alarm.address: expected an integer 0..65535, found 70000',
        'fields.humidity: expected one of phase, cycleNo, programNo, temp, temp2, pressure, jacketPressure, lethality, alarm, result, clockS, clockMs, found an unknown field',
        'fields.temp2.sentinels[0].raw: expected a raw int16 value, found 40000',
        'fields.clockS.order: expected one of ABCD, CDAB, BADC, DCBA, found "ADCB"',
        'phases.3: expected idle or a phase (docs/architecture.md), found "sterilising"',
        'phases.x: expected a register value 0..65535 as key, found "x"',
        'results.1: expected one of running, ok, aborted, fault, found "passed"',
        'colour: expected no such key (name, description, fields, phases, results, alarms), found "red"',
      ]),
    );
    expect(problems.every((p) => /^[\w.[\]]+: expected .+, found .+/.test(p) || /^[\w.]+: expected/.test(p))).toBe(true);
  });

  it('parseRegisterMap throws a GatewayError listing the problems, or returns the map', () => {
    expect(parseRegisterMap(clone(DEFAULT_REGISTER_MAP)).name).toBe('sterilink-default');
    try {
      parseRegisterMap({ name: 'acme ster', fields: {}, phases: {} });
      expect.unreachable();
    } catch (e) {
      expect(isGatewayError(e, 'device.modbus.map-invalid')).toBe(true);
      expect((e as Error).message).toMatch(/name: expected/);
      expect((e as Error).message).toMatch(/fields.phase: expected a register spec/);
      expect((e as Error).message).toMatch(/phases: expected a mapping/);
    }
    expect(validateRegisterMap('default')).toEqual(['map: expected a mapping with name, fields and phases, found "default"']);
  });

  it('accepts a vendor map with holding float32 registers, word swap and offsets', () => {
    const vendor = {
      name: 'acme-ws-3000',
      fields: {
        phase: { function: 'holding', address: 200, type: 'uint16' },
        temp: { function: 'holding', address: 210, type: 'float32', order: 'CDAB', unit: '°C' },
        pressure: { function: 'holding', address: 212, type: 'int16', scale: 0.1, offset: 101.3, unit: 'kPa gauge -> abs' },
      },
      phases: { 0: 'idle', 5: 'wash', 6: 'disinfect', 9: 'complete' },
      alarms: { 41: 'CIRCULATION PUMP' },
    };
    expect(validateRegisterMap(vendor)).toEqual([]);
  });
});
