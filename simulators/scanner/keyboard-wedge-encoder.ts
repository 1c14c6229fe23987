// How a USB HID keyboard-wedge scanner types a code, as the Linux input layer reports it: text ->
// key strokes in the US layout -> `struct input_event` records (24 bytes on 64-bit, 16 on 32-bit; see
// drivers/scanner/input-event.ts). Pure. Written apart from the driver's decoder (simulators never
// import drivers/), so the round-trip test checks one against the other; only the function keys' codes
// are shared facts of the Linux input layer (vocabulary/function-keys.ts).
//
// Each stroke: [modifier press, SYN], key press, SYN, key release, SYN, [modifier release, SYN].
// GS (0x1D) is typed as Ctrl+] by default (`gs: 'ctrl'`), as Alt + keypad 0 2 9 (`'alt'`), or as a
// function key (`{ fkey: 'F8' }`). CR is Enter, TAB is Tab. Other characters outside printable ASCII
// cannot be typed and throw.

import { FUNCTION_KEYS } from '../../vocabulary/function-keys.js';

export type InputEventLayout = 16 | 24;
export type GsMode = 'ctrl' | 'alt' | { fkey: string };

export interface KeyStroke {
  code: number;
  shift?: boolean;
  ctrl?: boolean;
  /** Alt held around the whole stroke list (Alt + keypad digits). */
  altCodes?: readonly number[];
}

const EV_SYN = 0;
const EV_KEY = 1;
const KEY_LEFTSHIFT = 42;
const KEY_LEFTCTRL = 29;
const KEY_LEFTALT = 56;
const KEY_ENTER = 28;
const KEY_TAB = 15;
const KEY_RIGHTBRACE = 27;
const KEYPAD_DIGITS = [82, 79, 80, 81, 75, 76, 77, 71, 72, 73]; // KP0..KP9

/** US layout, by rows: the key codes of each character typed without and with Shift. */
const ROWS: ReadonlyArray<readonly [number, string, string]> = [
  [2, '1234567890-=', '!@#$%^&*()_+'],
  [16, 'qwertyuiop[]', 'QWERTYUIOP{}'],
  [30, "asdfghjkl;'`", 'ASDFGHJKL:"~'],
  [43, '\\zxcvbnm,./', '|ZXCVBNM<>?'],
];

const CHAR_KEYS: ReadonlyMap<string, KeyStroke> = (() => {
  const m = new Map<string, KeyStroke>();
  for (const [first, plain, shifted] of ROWS) {
    [...plain].forEach((c, i) => m.set(c, { code: first + i }));
    [...shifted].forEach((c, i) => m.set(c, { code: first + i, shift: true }));
  }
  m.set(' ', { code: 57 });
  m.set('\r', { code: KEY_ENTER });
  m.set('\t', { code: KEY_TAB });
  return m;
})();

/** The characters this encoder can type (besides GS): printable ASCII, CR and TAB. */
export function canType(ch: string): boolean {
  return ch === '\u001d' || CHAR_KEYS.has(ch);
}

export function strokesFor(text: string, gs: GsMode = 'ctrl'): KeyStroke[] {
  const out: KeyStroke[] = [];
  for (const ch of text) {
    if (ch === '\u001d') {
      if (gs === 'ctrl') out.push({ code: KEY_RIGHTBRACE, ctrl: true });
      else if (gs === 'alt') out.push({ code: 0, altCodes: [...'029'].map((d) => KEYPAD_DIGITS[Number(d)] ?? 0) });
      else {
        const code = FUNCTION_KEYS[gs.fkey.toUpperCase()];
        if (code === undefined) throw new Error(`cannot type GS as "${gs.fkey}": use F1..F24`);
        out.push({ code });
      }
      continue;
    }
    const stroke = CHAR_KEYS.get(ch);
    if (stroke === undefined) throw new Error(`a US keyboard wedge cannot type ${JSON.stringify(ch)} (U+${ch.codePointAt(0)?.toString(16).padStart(4, '0')})`);
    out.push(stroke);
  }
  return out;
}

export interface RawInputEvent {
  timeMs: number;
  type: number;
  code: number;
  value: number;
}

/** The records of the strokes, starting at `timeMs`, `keyGapMs` apart. */
export function strokeEvents(strokes: readonly KeyStroke[], timeMs: number, keyGapMs = 2): RawInputEvent[] {
  const out: RawInputEvent[] = [];
  let t = timeMs;
  const key = (code: number, value: 0 | 1): void => {
    out.push({ timeMs: t, type: EV_KEY, code, value }, { timeMs: t, type: EV_SYN, code: 0, value: 0 });
    t += keyGapMs / 2;
  };
  for (const s of strokes) {
    if (s.altCodes) {
      key(KEY_LEFTALT, 1);
      for (const c of s.altCodes) {
        key(c, 1);
        key(c, 0);
      }
      key(KEY_LEFTALT, 0);
      continue;
    }
    if (s.shift) key(KEY_LEFTSHIFT, 1);
    if (s.ctrl) key(KEY_LEFTCTRL, 1);
    key(s.code, 1);
    key(s.code, 0);
    if (s.ctrl) key(KEY_LEFTCTRL, 0);
    if (s.shift) key(KEY_LEFTSHIFT, 0);
  }
  return out;
}

/** Records as the kernel writes them for a process with the given layout (little-endian). */
export function encodeInputEvents(events: readonly RawInputEvent[], layout: InputEventLayout): Buffer {
  const buf = Buffer.alloc(events.length * layout);
  events.forEach((e, i) => {
    const at = i * layout;
    const sec = Math.floor(e.timeMs / 1000);
    const usec = Math.round((e.timeMs - sec * 1000) * 1000);
    if (layout === 24) {
      buf.writeBigInt64LE(BigInt(sec), at);
      buf.writeBigInt64LE(BigInt(usec), at + 8);
    } else {
      buf.writeInt32LE(sec | 0, at);
      buf.writeInt32LE(usec, at + 4);
    }
    const t = at + (layout === 24 ? 16 : 8);
    buf.writeUInt16LE(e.type, t);
    buf.writeUInt16LE(e.code, t + 2);
    buf.writeInt32LE(e.value, t + 4);
  });
  return buf;
}

/** One scan as the wedge types it: the code, then Enter (or Tab). */
export function typeScan(code: string, opts: { layout: InputEventLayout; timeMs: number; gs?: GsMode; suffix?: '\r' | '\t'; keyGapMs?: number }): Buffer {
  const strokes = strokesFor(code + (opts.suffix ?? '\r'), opts.gs ?? 'ctrl');
  return encodeInputEvents(strokeEvents(strokes, opts.timeMs, opts.keyGapMs), opts.layout);
}
