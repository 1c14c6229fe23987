// The built-in device program numbers (docs/devices.md, "The built-in program map"): the number a
// sterilizer or washer prints on its ticket (`PROG n`) or serves in Modbus register 3, and the program
// it stands for. The gateway reads a device's number through this map (a site's `programMap` extends
// it); the simulators print and serve these numbers, so a simulator and an unconfigured gateway agree.

/** Program id -> its built-in device program number. */
export const PROGRAM_NUMBERS: Readonly<Record<string, number>> = Object.freeze({
  'steam-134-4': 1,
  'steam-121-20': 2,
  'steam-134-18': 3,
  'steam-121-15': 4,
  'bowie-dick-134': 7,
  'leak-test': 8,
  'washer-a0-600': 11,
  'washer-a0-3000': 12,
});

/** Device program number (as text, the way a config's `programMap` keys it) -> program id. */
export const DEFAULT_PROGRAM_MAP: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(PROGRAM_NUMBERS).map(([id, no]) => [String(no), id])),
);

/** The built-in program number of `id`; throws when the program has none. */
export function programNumberOf(id: string): number {
  const no = Object.hasOwn(PROGRAM_NUMBERS, id) ? PROGRAM_NUMBERS[id] : undefined;
  if (no === undefined) throw new Error(`program ${id} has no built-in device program number`);
  return no;
}
