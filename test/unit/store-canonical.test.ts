import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalFromMembers, canonicalJson, toJsonValue } from '../../gateway/store/canonical-json.js';
import { canonicalRawLine } from '../../gateway/store/raw-log.js';
import { type ChainedSample, canonicalSample, normalizeSample } from '../../gateway/store/sample-log.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { ALL_PHASES } from '../../vocabulary/phases.js';
import { thrown } from '../helpers/thrown.js';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and writes numbers the ECMAScript way', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], A: { z: 1e21, y: -0, x: 0.1 } })).toBe('{"A":{"x":0.1,"y":0,"z":1e+21},"a":[true,null,"x"],"b":1}');
    // RFC 8785 §3.2.3 sorting example: keys compared as UTF-16 code units
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '\ud83d\ude00': 5, '\u0080': 6, '\u00f6': 7 })).toBe(
      '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}',
    );
    // biome-ignore lint/correctness/noPrecisionLoss: the literal is the RFC 8785 test vector; how it prints is the point
    expect(canonicalJson({ n: 333333333.33333329, e: 1e-7, big: 9007199254740991 })).toBe('{"big":9007199254740991,"e":1e-7,"n":333333333.3333333}');
  });

  it('refuses what JSON cannot carry exactly, with store.canonical', () => {
    for (const bad of [NaN, { x: Infinity }, '\ud800', undefined]) {
      const err = thrown(() => canonicalJson(bad));
      expect(isGatewayError(err, 'store.canonical')).toBe(true);
    }
  });

  it('toJsonValue drops undefined keys and turns Dates into strings', () => {
    expect(toJsonValue({ a: undefined, d: new Date(0), n: [1, undefined] })).toEqual({ d: '1970-01-01T00:00:00.000Z', n: [1, null] });
  });

  it('canonicalFromMembers equals canonicalJson of the whole object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const members = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, canonicalJson(v)]));
        expect(canonicalFromMembers(members)).toBe(canonicalJson(obj));
      }),
    );
  });
});

const num = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(-0));
const sampleArb = fc.record({
  deviceId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.string({ minLength: 1 }), fc.string({ unit: 'binary', minLength: 1 })),
  seq: fc.integer({ min: 1, max: 2 ** 40 }),
  ts: num,
  recvTs: num,
  cycleId: fc.option(fc.oneof(fc.uuid(), fc.string({ unit: 'binary' })), { nil: null }),
  temp_c: fc.option(num, { nil: null }),
  temp2_c: fc.option(num, { nil: null }),
  pressure_kpa: fc.option(num, { nil: null }),
  phase: fc.option(fc.constantFrom(...ALL_PHASES), { nil: null }),
  deviceTime: fc.option(num, { nil: null }),
});

describe('sample canonical fast path', () => {
  it('is byte-identical to the generic canonicalizer for every valid sample', () => {
    fc.assert(
      fc.property(sampleArb, (s: ChainedSample) => {
        expect(canonicalSample(s.deviceId, s.seq, s)).toBe(canonicalJson(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('normalizes absent optional fields to null and refuses non-finite numbers and unknown phases', () => {
    expect(normalizeSample({ ts: 1, recvTs: 2, cycleId: null, temp_c: 121 })).toEqual({
      ts: 1,
      recvTs: 2,
      cycleId: null,
      temp_c: 121,
      temp2_c: null,
      pressure_kpa: null,
      phase: null,
      deviceTime: null,
    });
    expect(() => normalizeSample({ ts: 1, recvTs: 2, cycleId: null, temp_c: NaN })).toThrow(/temp_c/);
    expect(() => normalizeSample({ ts: 1, recvTs: 2, cycleId: null, temp_c: 1, pressure_kpa: Infinity })).toThrow(/pressure_kpa/);
    // @ts-expect-error an unknown phase is a caller bug the store refuses at add()
    expect(() => normalizeSample({ ts: 1, recvTs: 2, cycleId: null, temp_c: 1, phase: 'boiling' })).toThrow(/phase/);
  });

  it('raw lines hash canonical {cycleId, deviceId, line, seq, ts}', () => {
    expect(canonicalRawLine('AC-01', 3, { ts: 5, cycleId: null, line: 'STERILIZE 134.1 "C' })).toBe(
      '{"cycleId":null,"deviceId":"AC-01","line":"STERILIZE 134.1 \\"C","seq":3,"ts":5}',
    );
  });
});
