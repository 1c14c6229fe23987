// What a USB HID "keyboard wedge" scanner typed: input_event records -> the bytes of its text. Pure and
// incremental (modifier state carries across calls). The US layout (hid-keymap.ts) is assumed.
//
// - Press (value 1) types; release (0) only ends a modifier; autorepeat (2) is ignored and counted: a
//   scanner never means a repeat, the kernel invents one when a key-up comes late.
// - Shift and Caps Lock as on a keyboard (Caps Lock only affects letters).
// - Enter and keypad Enter type CR, Tab types TAB: the scanner's suffix, which the ScanFramer strips.
// - Ctrl+key types the ASCII control character, as a terminal does: Ctrl+] is GS (0x1D), the way most
//   scanners send the GS1 FNC1 separator in keyboard mode; Ctrl+A..Z are 0x01..0x1A.
// - Alt held + keypad digits types the character with that decimal code on Alt's release (1..255,
//   latin1): the "Alt mode" some scanners use for GS (Alt+0,2,9).
// - `functionKeys` maps F-keys to text, for a scanner configured to send GS as an F-key (e.g. F8).
// Anything else (a key outside the layout, an unmapped F-key, Backspace, a lost event burst reported by
// the kernel as SYN_DROPPED) yields a `lost` item: the code being typed is missing characters, and the
// driver reports it as damaged instead of passing on a code with a hole in it.

import { GatewayError } from '../../vocabulary/errors.js';
import { CR, ESC, TAB } from '../transport/control-bytes.js';
import { ALT_KEYS, CTRL_KEYS, FUNCTION_KEYS, IGNORED_KEYS, KEY, KEYPAD, keyName, SHIFT_KEYS, US_KEYMAP } from './hid-keymap.js';
import { EV_KEY, EV_SYN, type InputEvent, KEY_AUTOREPEAT, KEY_PRESS, KEY_RELEASE, SYN_DROPPED } from './input-event.js';

export type WedgeItem = { kind: 'text'; bytes: Buffer } | { kind: 'lost'; reason: string };

export interface KeyboardWedgeOptions {
  /** F-key name (`F1`..`F24`) -> the text it stands for, e.g. `{ F8: '\u001d' }`. Single-byte (latin1) characters. */
  functionKeys?: Readonly<Record<string, string>>;
}

export interface KeyboardWedgeStats {
  presses: number;
  repeats: number;
  lost: number;
}

export class KeyboardWedgeDecoder {
  private readonly fkeys = new Map<number, Buffer>();
  private readonly shift = new Set<number>();
  private readonly ctrl = new Set<number>();
  private readonly alt = new Set<number>();
  private capsLock = false;
  /** Keypad digits typed while Alt is held. */
  private altDigits = '';
  private readonly counts: KeyboardWedgeStats = { presses: 0, repeats: 0, lost: 0 };

  constructor(options: KeyboardWedgeOptions = {}) {
    for (const [name, text] of Object.entries(options.functionKeys ?? {})) {
      const code = FUNCTION_KEYS[name.toUpperCase()];
      if (code === undefined) {
        throw new GatewayError('device.scanner.function-key', `functionKeys: "${name}" is not a function key (F1..F24)`, { key: name });
      }
      if (text.length === 0 || [...text].some((c) => c.charCodeAt(0) > 0xff)) {
        throw new GatewayError('device.scanner.function-key', `functionKeys.${name}: expected 1 or more single-byte characters`, { key: name });
      }
      this.fkeys.set(code, Buffer.from(text, 'latin1'));
    }
  }

  push(events: readonly InputEvent[]): WedgeItem[] {
    const out: WedgeItem[] = [];
    const bytes: number[] = [];
    const flushText = (): void => {
      if (bytes.length === 0) return;
      out.push({ kind: 'text', bytes: Buffer.from(bytes) });
      bytes.length = 0;
    };
    const lose = (reason: string): void => {
      flushText();
      this.counts.lost++;
      out.push({ kind: 'lost', reason });
    };
    for (const e of events) {
      if (e.type === EV_SYN && e.code === SYN_DROPPED) {
        // The kernel dropped events; which keys are held now is unknown, so start from none.
        this.reset();
        lose('input events lost (SYN_DROPPED)');
        continue;
      }
      if (e.type !== EV_KEY) continue;
      if (e.value === KEY_AUTOREPEAT) {
        this.counts.repeats++;
        continue;
      }
      if (e.value === KEY_RELEASE) {
        this.release(e.code, bytes, lose);
        continue;
      }
      if (e.value !== KEY_PRESS) continue;
      this.counts.presses++;
      this.press(e.code, bytes, lose);
    }
    flushText();
    return out;
  }

  /** Forgets held keys and Caps Lock (the device was reopened: its key state is unknown). */
  reset(): void {
    this.shift.clear();
    this.ctrl.clear();
    this.alt.clear();
    this.altDigits = '';
    this.capsLock = false;
  }

  get stats(): Readonly<KeyboardWedgeStats> {
    return { ...this.counts };
  }

  private release(code: number, bytes: number[], lose: (reason: string) => void): void {
    this.shift.delete(code);
    this.ctrl.delete(code);
    if (!ALT_KEYS.has(code) || !this.alt.delete(code) || this.alt.size > 0 || this.altDigits === '') return;
    const value = Number(this.altDigits) % 256;
    this.altDigits = '';
    if (value === 0) lose('Alt+keypad code 0');
    else bytes.push(value);
  }

  private press(code: number, bytes: number[], lose: (reason: string) => void): void {
    if (SHIFT_KEYS.has(code)) return void this.shift.add(code);
    if (CTRL_KEYS.has(code)) return void this.ctrl.add(code);
    if (ALT_KEYS.has(code)) return void this.alt.add(code);
    if (code === KEY.CAPSLOCK) {
      this.capsLock = !this.capsLock;
      return;
    }
    if (IGNORED_KEYS.has(code)) return;
    if (this.alt.size > 0) {
      const digit = KEYPAD.get(code);
      if (digit !== undefined && digit >= '0' && digit <= '9') this.altDigits += digit;
      else lose(`Alt+${keyName(code)}`);
      return;
    }
    if (code === KEY.ENTER || code === KEY.KPENTER) return void bytes.push(CR);
    if (code === KEY.TAB) return void bytes.push(TAB);
    if (code === KEY.ESC) return void bytes.push(ESC);
    const fkey = this.fkeys.get(code);
    if (fkey !== undefined) return void bytes.push(...fkey);
    const pad = KEYPAD.get(code);
    if (pad !== undefined) return void bytes.push(pad.charCodeAt(0));
    const pair = US_KEYMAP.get(code);
    if (pair === undefined) return void lose(`${keyName(code)} is not in the US keymap`);
    const [plain, shifted] = pair;
    const isLetter = plain >= 'a' && plain <= 'z';
    const upper = this.shift.size > 0 !== (isLetter && this.capsLock);
    const ch = upper ? shifted : plain;
    if (this.ctrl.size > 0) {
      const c = ch.toUpperCase().charCodeAt(0);
      if (c >= 0x40 && c <= 0x5f) bytes.push(c - 0x40);
      else lose(`Ctrl+${ch} types no character`);
      return;
    }
    bytes.push(ch.charCodeAt(0));
  }
}
