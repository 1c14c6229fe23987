// The US keyboard layout as a USB HID "keyboard wedge" scanner types it: Linux key codes
// (linux/input-event-codes.h) -> the character typed without and with Shift. Data only.
//
// A wedge scanner must be set to the US layout (the usual factory default): the gateway cannot know
// which layout a scanner assumes, and on any other one `]`, `@`, `Z`/`Y` ... come out wrong.

import { FUNCTION_KEYS } from '../../vocabulary/function-keys.js';

export const KEY = {
  ESC: 1,
  BACKSPACE: 14,
  TAB: 15,
  ENTER: 28,
  LEFTCTRL: 29,
  LEFTSHIFT: 42,
  RIGHTSHIFT: 54,
  LEFTALT: 56,
  SPACE: 57,
  CAPSLOCK: 58,
  NUMLOCK: 69,
  KPENTER: 96,
  RIGHTCTRL: 97,
  RIGHTALT: 100,
  LEFTMETA: 125,
  RIGHTMETA: 126,
  LEFTBRACE: 26,
  RIGHTBRACE: 27,
} as const;

/** Printable keys of the main block: code -> [unshifted, shifted]. Letters are listed lower-case. */
export const US_KEYMAP: ReadonlyMap<number, readonly [string, string]> = new Map<number, readonly [string, string]>([
  [2, ['1', '!']],
  [3, ['2', '@']],
  [4, ['3', '#']],
  [5, ['4', '$']],
  [6, ['5', '%']],
  [7, ['6', '^']],
  [8, ['7', '&']],
  [9, ['8', '*']],
  [10, ['9', '(']],
  [11, ['0', ')']],
  [12, ['-', '_']],
  [13, ['=', '+']],
  [16, ['q', 'Q']],
  [17, ['w', 'W']],
  [18, ['e', 'E']],
  [19, ['r', 'R']],
  [20, ['t', 'T']],
  [21, ['y', 'Y']],
  [22, ['u', 'U']],
  [23, ['i', 'I']],
  [24, ['o', 'O']],
  [25, ['p', 'P']],
  [26, ['[', '{']],
  [27, [']', '}']],
  [30, ['a', 'A']],
  [31, ['s', 'S']],
  [32, ['d', 'D']],
  [33, ['f', 'F']],
  [34, ['g', 'G']],
  [35, ['h', 'H']],
  [36, ['j', 'J']],
  [37, ['k', 'K']],
  [38, ['l', 'L']],
  [39, [';', ':']],
  [40, ["'", '"']],
  [41, ['`', '~']],
  [43, ['\\', '|']],
  [44, ['z', 'Z']],
  [45, ['x', 'X']],
  [46, ['c', 'C']],
  [47, ['v', 'V']],
  [48, ['b', 'B']],
  [49, ['n', 'N']],
  [50, ['m', 'M']],
  [51, [',', '<']],
  [52, ['.', '>']],
  [53, ['/', '?']],
  [57, [' ', ' ']],
]);

/** Keypad keys (scanners in "keypad emulation" mode type digits here); Num Lock is assumed on. */
export const KEYPAD: ReadonlyMap<number, string> = new Map<number, string>([
  [71, '7'],
  [72, '8'],
  [73, '9'],
  [74, '-'],
  [75, '4'],
  [76, '5'],
  [77, '6'],
  [78, '+'],
  [79, '1'],
  [80, '2'],
  [81, '3'],
  [82, '0'],
  [83, '.'],
  [55, '*'],
  [98, '/'],
]);

/** Function keys by name -> key code, for the `functionKeys` option (a scanner may type GS as e.g. F8). */
export { FUNCTION_KEYS };

export const SHIFT_KEYS: ReadonlySet<number> = new Set([KEY.LEFTSHIFT, KEY.RIGHTSHIFT]);
export const CTRL_KEYS: ReadonlySet<number> = new Set([KEY.LEFTCTRL, KEY.RIGHTCTRL]);
export const ALT_KEYS: ReadonlySet<number> = new Set([KEY.LEFTALT, KEY.RIGHTALT]);
/** Keys that type nothing and change nothing the decoder tracks. */
export const IGNORED_KEYS: ReadonlySet<number> = new Set([KEY.NUMLOCK, KEY.LEFTMETA, KEY.RIGHTMETA, 70 /* SCROLLLOCK */]);

/** A short name for a key code, for log lines. */
export function keyName(code: number): string {
  for (const [name, c] of Object.entries(KEY)) if (c === code) return `KEY_${name}`;
  for (const [name, c] of Object.entries(FUNCTION_KEYS)) if (c === code) return `KEY_${name}`;
  return `key ${code}`;
}
