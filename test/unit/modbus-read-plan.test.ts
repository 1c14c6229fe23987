import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReadPlan, planRanges, type ReadRequestSpec, registerLookup } from '../../drivers/modbus/read-plan.js';
import { DEFAULT_REGISTER_MAP, type FieldSpec, type RegisterMap } from '../../drivers/modbus/register-map.js';

const field = (fn: FieldSpec['function'], address: number, type: FieldSpec['type'] = 'uint16'): FieldSpec => ({ function: fn, address, type });
const mapWith = (fields: Partial<RegisterMap['fields']>): RegisterMap => ({
  name: 't',
  phases: { 0: 'idle' },
  fields: { phase: field('input', 0), temp: field('input', 1, 'int16'), ...fields },
});

describe('buildReadPlan', () => {
  it('reads the whole default map in one request of 14 input registers', () => {
    expect(buildReadPlan(DEFAULT_REGISTER_MAP)).toEqual([{ function: 'input', address: 0, count: 14 }]);
  });

  it('keeps functions apart and does not bridge gaps unless allowed', () => {
    const map = mapWith({ phase: field('holding', 100), temp: field('holding', 102, 'float32'), cycleNo: field('holding', 101), alarm: field('input', 7) });
    expect(buildReadPlan(map)).toEqual([
      { function: 'holding', address: 100, count: 4 },
      { function: 'input', address: 7, count: 1 },
    ]);
    const gappy = mapWith({ phase: field('input', 0), temp: field('input', 10, 'int16') });
    expect(buildReadPlan(gappy)).toHaveLength(2);
    expect(buildReadPlan(gappy, { maxGap: 9 })).toEqual([{ function: 'input', address: 0, count: 11 }]);
  });

  it('splits at 125 registers without cutting a 32-bit value in two', () => {
    const map = mapWith({ phase: field('input', 0), temp: field('input', 124, 'float32') });
    expect(buildReadPlan(map, { maxGap: 200 })).toEqual([
      { function: 'input', address: 0, count: 1 },
      { function: 'input', address: 124, count: 2 },
    ]);
    expect(() => buildReadPlan(map, { maxRegisters: 126 })).toThrow(/2..125/);
  });

  it('covers every register exactly with few, bounded requests (property)', () => {
    const range = fc.record({
      function: fc.constantFrom('holding' as const, 'input' as const),
      address: fc.integer({ min: 0, max: 400 }),
      count: fc.constantFrom(1, 2),
    });
    fc.assert(
      fc.property(
        fc.array(range, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 2, max: 125 }),
        (ranges, maxGap, maxRegisters) => {
          const plan = planRanges(ranges, maxRegisters, maxGap);
          for (const r of ranges) {
            // each range lies inside one request of its function
            expect(plan.some((p) => p.function === r.function && p.address <= r.address && r.address + r.count <= p.address + p.count)).toBe(true);
          }
          for (const p of plan) expect(p.count).toBeLessThanOrEqual(maxRegisters);
          // requests of one function are in address order (they overlap only where overlapping fields could
          // not share a request within maxRegisters: a field is never split)
          for (const fn of ['holding', 'input'] as const) {
            const ps = plan.filter((p) => p.function === fn);
            for (let i = 1; i < ps.length; i++) expect((ps[i] as ReadRequestSpec).address).toBeGreaterThan((ps[i - 1] as ReadRequestSpec).address);
          }
          // contiguous runs are merged: two neighbours closer than maxGap would have fit in one request only if too long
          for (const fn of ['holding', 'input'] as const) {
            const ps = plan.filter((p) => p.function === fn);
            for (let i = 1; i < ps.length; i++) {
              const a = ps[i - 1] as ReadRequestSpec;
              const b = ps[i] as ReadRequestSpec;
              if (b.address <= a.address + a.count + maxGap) expect(b.address + b.count - a.address).toBeGreaterThan(maxRegisters);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('registerLookup', () => {
  it('answers by function and address from the responses of each request', () => {
    const plan: ReadRequestSpec[] = [
      { function: 'holding', address: 10, count: 2 },
      { function: 'input', address: 10, count: 1 },
    ];
    const look = registerLookup(plan, [[1, 2], [3]]);
    expect([look('holding', 10), look('holding', 11), look('input', 10), look('input', 11), look('holding', 9)]).toEqual([1, 2, 3, undefined, undefined]);
  });
});
