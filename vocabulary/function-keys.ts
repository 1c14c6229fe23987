// The Linux key codes (linux/input-event-codes.h) of the function keys F1 to F24, by name. A USB keyboard-
// wedge scanner may be set to type the GS separator as a function key: the scanner driver reads it back
// (`functionKeys`), the scanner simulator types it, and both take the codes from here.

/** `F{first}`..`F{last}` with consecutive codes from `code`. */
function run(first: number, last: number, code: number): [string, number][] {
  return Array.from({ length: last - first + 1 }, (_, i) => [`F${first + i}`, code + i]);
}

/** Function keys by name -> key code: F1..F10 are 59..68, F11 and F12 are 87 and 88, F13..F24 are 183..194. */
export const FUNCTION_KEYS: Readonly<Record<string, number>> = Object.fromEntries([...run(1, 10, 59), ...run(11, 12, 87), ...run(13, 24, 183)]);
