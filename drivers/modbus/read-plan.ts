// Which read requests one poll sends: the map's registers grouped by function, contiguous (or
// overlapping) ranges merged, at most 125 registers a request. Pure; the driver builds it once.

import { type FieldSpec, MAX_REGISTERS_PER_REQUEST, type RegisterFunction, type RegisterMap, registerWidth } from './register-map.js';

export interface ReadRequestSpec {
  function: RegisterFunction;
  address: number;
  count: number;
}

export interface ReadPlanOptions {
  /** Default 125 (the protocol's limit for functions 3 and 4). */
  maxRegisters?: number;
  /** Unmapped registers a request may read across to save a request. Default 0: some devices answer
   * an unmapped address with exception 2, so gaps are bridged only when the site says they can be. */
  maxGap?: number;
}

/** Requests covering every field of `map`, in function then address order, as few as the limits allow. */
export function buildReadPlan(map: RegisterMap, options: ReadPlanOptions = {}): ReadRequestSpec[] {
  const maxRegisters = options.maxRegisters ?? MAX_REGISTERS_PER_REQUEST;
  const maxGap = options.maxGap ?? 0;
  if (!(Number.isInteger(maxRegisters) && maxRegisters >= 2 && maxRegisters <= MAX_REGISTERS_PER_REQUEST)) {
    throw new RangeError(`maxRegisters must be an integer 2..${MAX_REGISTERS_PER_REQUEST}, got ${maxRegisters}`);
  }
  if (!(Number.isInteger(maxGap) && maxGap >= 0)) throw new RangeError(`maxGap must be a non-negative integer, got ${maxGap}`);
  const fields = Object.values(map.fields).filter((f): f is FieldSpec => f !== undefined);
  return planRanges(
    fields.map((f) => ({ function: f.function, address: f.address, count: registerWidth(f.type) })),
    maxRegisters,
    maxGap,
  );
}

/** Merges register ranges; a range is never split across two requests. */
export function planRanges(ranges: readonly ReadRequestSpec[], maxRegisters = MAX_REGISTERS_PER_REQUEST, maxGap = 0): ReadRequestSpec[] {
  const out: ReadRequestSpec[] = [];
  for (const fn of ['holding', 'input'] as const) {
    const sorted = ranges.filter((r) => r.function === fn).sort((a, b) => a.address - b.address || b.count - a.count);
    let current: ReadRequestSpec | undefined;
    for (const r of sorted) {
      const end = r.address + r.count;
      if (current !== undefined) {
        const currentEnd = current.address + current.count;
        const mergedCount = Math.max(currentEnd, end) - current.address;
        if (r.address <= currentEnd + maxGap && mergedCount <= maxRegisters) {
          current.count = mergedCount;
          continue;
        }
        out.push(current);
      }
      current = { function: fn, address: r.address, count: r.count };
    }
    if (current !== undefined) out.push(current);
  }
  return out;
}

/** Register values of one poll, looked up by function and address. */
export type RegisterLookup = (fn: RegisterFunction, address: number) => number | undefined;

/** The lookup over a poll's answers; `responses[i]` answers `plan[i]`. */
export function registerLookup(plan: readonly ReadRequestSpec[], responses: readonly (readonly number[])[]): RegisterLookup {
  const holding = new Map<number, number>();
  const inputs = new Map<number, number>();
  plan.forEach((req, i) => {
    const words = responses[i];
    if (words === undefined) return;
    const target = req.function === 'holding' ? holding : inputs;
    for (let k = 0; k < req.count && k < words.length; k++) target.set(req.address + k, words[k] as number);
  });
  return (fn, address) => (fn === 'holding' ? holding : inputs).get(address);
}
