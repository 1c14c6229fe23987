// Decoding Linux input_event records (both layouts) and the keyboard-wedge key state machine, on
// synthetic byte streams built here field by field.
import { describe, expect, it } from 'vitest';
import { ScanFramer } from '../../drivers/scanner/framer.js';
import { InputEventDecoder, type InputEventLayout, inputEventLayoutFor, readInputEvent } from '../../drivers/scanner/input-event.js';
import { KeyboardWedgeDecoder, type WedgeItem } from '../../drivers/scanner/keyboard-wedge.js';

type Rec = [type: number, code: number, value: number];

function record(layout: InputEventLayout, sec: number, usec: number, [type, code, value]: Rec): Buffer {
  const b = Buffer.alloc(layout);
  if (layout === 24) {
    b.writeBigInt64LE(BigInt(sec), 0);
    b.writeBigInt64LE(BigInt(usec), 8);
  } else {
    b.writeInt32LE(sec, 0);
    b.writeInt32LE(usec, 4);
  }
  const at = layout === 24 ? 16 : 8;
  b.writeUInt16LE(type, at);
  b.writeUInt16LE(code, at + 2);
  b.writeInt32LE(value, at + 4);
  return b;
}

const SYN: Rec = [0, 0, 0];
const MSC = (v: number): Rec => [4, 4, v];
const press = (code: number): Rec[] => [MSC(0x70000 + code), [1, code, 1], SYN];
const release = (code: number): Rec[] => [MSC(0x70000 + code), [1, code, 0], SYN];
const tap = (code: number): Rec[] => [...press(code), ...release(code)];
const shifted = (code: number): Rec[] => [...press(42), ...tap(code), ...release(42)];
const ctrl = (code: number): Rec[] => [...press(29), ...tap(code), ...release(29)];

const KEYS: Record<string, number> = {
  '0': 11,
  '1': 2,
  '2': 3,
  '3': 4,
  '4': 5,
  '5': 6,
  '6': 7,
  '7': 8,
  '8': 9,
  '9': 10,
  L: 38,
  O: 24,
  T: 20,
  S: 31,
  N: 49,
  d: 32,
  ']': 27,
};
/** `]d2` 01 04012345678901 17 271231 10 LOT123 <GS> 21 SN0001 <Enter>, as a wedge types it. */
function typedGs1(): Rec[] {
  const out: Rec[] = [];
  const typeChar = (c: string): void => {
    const code = KEYS[c.toUpperCase()] ?? KEYS[c];
    if (code === undefined) throw new Error(`no key for ${c}`);
    out.push(...(/[A-Z]/.test(c) ? shifted(code) : tap(code)));
  };
  for (const c of ']d2010401234567890117271231') typeChar(c);
  for (const c of '10LOT123') typeChar(c);
  out.push(...ctrl(27)); // GS as Ctrl+]
  for (const c of '21SN0001') typeChar(c);
  out.push(...tap(28)); // Enter
  return out;
}
const GS1 = ']d201040123456789011727123110LOT123\u001d21SN0001';

function stream(layout: InputEventLayout, recs: Rec[]): Buffer {
  return Buffer.concat(recs.map((r, i) => record(layout, 1_764_230_000 + Math.floor(i / 100), (i * 997) % 1_000_000, r)));
}

function typeThrough(layout: InputEventLayout, bytes: Buffer, sizes: number[]): { items: WedgeItem[]; codes: string[] } {
  const dec = new InputEventDecoder(layout);
  const wedge = new KeyboardWedgeDecoder();
  const framer = new ScanFramer({ encoding: 'latin1' });
  const items: WedgeItem[] = [];
  const codes: string[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length] ?? 10;
    for (const item of wedge.push(dec.push(bytes.subarray(at, at + n)))) {
      items.push(item);
      if (item.kind === 'text') for (const s of framer.push(item.bytes)) if (s.kind === 'code') codes.push(s.text);
    }
    at += n;
  }
  return { items, codes };
}

describe('input_event records', () => {
  it.each([24, 16] as const)('decodes the %i-byte layout field by field', (layout) => {
    const b = record(layout, 1_764_230_123, 456_789, [1, 30, 1]);
    expect(b.length).toBe(layout);
    expect(readInputEvent(b, 0, layout)).toEqual({ sec: 1_764_230_123, usec: 456_789, type: 1, code: 30, value: 1 });
    const neg = record(layout, 5, 6, [3, 0, -42]);
    expect(readInputEvent(neg, 0, layout).value).toBe(-42);
  });

  it('reads records split anywhere across chunks, keeping at most one partial record', () => {
    const recs = typedGs1();
    const bytes = stream(24, recs);
    const dec = new InputEventDecoder(24);
    const got = [];
    for (let at = 0; at < bytes.length; at += 7) {
      got.push(...dec.push(bytes.subarray(at, at + 7)));
      expect(dec.pendingBytes).toBeLessThan(24);
    }
    expect(got.map((e) => [e.type, e.code, e.value])).toEqual(recs);
    expect(dec.records).toBe(recs.length);
  });

  it('picks the layout from the process architecture', () => {
    expect(inputEventLayoutFor('x64')).toBe(24);
    expect(inputEventLayoutFor('arm64')).toBe(24);
    expect(inputEventLayoutFor('arm')).toBe(16);
    expect(inputEventLayoutFor('ia32')).toBe(16);
  });

  it.each([24, 16] as const)('a wedge typing a GS1 DataMatrix code with GS and Enter yields that code (%i-byte records)', (layout) => {
    const bytes = stream(layout, typedGs1());
    for (const sizes of [[bytes.length], [1], [5, 17, 64, 3], [layout * 3]]) {
      const { codes, items } = typeThrough(layout, bytes, sizes);
      expect(codes).toEqual([GS1]);
      expect(items.some((i) => i.kind === 'lost')).toBe(false);
    }
  });

  it('the wrong layout does not yield the code', () => {
    const { codes } = typeThrough(16, stream(24, typedGs1()), [4096]);
    expect(codes).not.toEqual([GS1]);
  });
});

describe('KeyboardWedgeDecoder', () => {
  const run = (recs: Rec[], opts = {}) => {
    const w = new KeyboardWedgeDecoder(opts);
    const items = w.push(recs.map(([type, code, value]) => ({ sec: 0, usec: 0, type, code, value })));
    return { w, items, text: Buffer.concat(items.flatMap((i) => (i.kind === 'text' ? [i.bytes] : []))).toString('latin1') };
  };

  it('Shift and Caps Lock: Caps Lock only changes letters, Shift inverts it', () => {
    expect(run([...tap(30), ...shifted(30), ...shifted(2), ...tap(58), ...tap(30), ...tap(2), ...shifted(30), ...tap(58), ...tap(30)]).text).toBe('aA!A1aa');
  });

  it('all punctuation of the US layout, unshifted and shifted', () => {
    const codes = [12, 13, 26, 27, 39, 40, 41, 43, 51, 52, 53, 57];
    expect(run(codes.flatMap(tap)).text).toBe("-=[];'`\\,./ ");
    expect(run(codes.flatMap(shifted)).text).toBe('_+{}:"~|<>? ');
  });

  it('Enter, keypad Enter and Tab type the suffix; keypad digits type digits', () => {
    expect(run([...tap(28), ...tap(96), ...tap(15), ...tap(82), ...tap(79), ...tap(71), ...tap(83)]).text).toBe('\r\r\t017.');
  });

  it('Ctrl+] is GS, Ctrl+A is SOH; Right Ctrl works too', () => {
    expect(run([...ctrl(27), ...ctrl(30), ...press(97), ...tap(27), ...release(97)]).text).toBe('\u001d\u0001\u001d');
  });

  it('Alt + keypad 0 2 9 types GS on Alt release', () => {
    expect(run([...press(56), ...tap(82), ...tap(80), ...tap(73), ...release(56), ...tap(30)]).text).toBe('\u001da');
  });

  it('an F-key mapped by the site types its text; unmapped it is a loss', () => {
    expect(run([...tap(66), ...tap(30)], { functionKeys: { F8: '\u001d' } }).text).toBe('\u001da');
    const { items } = run([...tap(30), ...tap(66), ...tap(31)]);
    expect(items).toEqual([
      { kind: 'text', bytes: Buffer.from('a') },
      { kind: 'lost', reason: 'KEY_F8 is not in the US keymap' },
      { kind: 'text', bytes: Buffer.from('s') },
    ]);
    expect(() => new KeyboardWedgeDecoder({ functionKeys: { F99: 'x' } })).toThrow(/F1..F24/);
  });

  it('autorepeat is ignored and counted; releases type nothing', () => {
    const { text, w } = run([
      [1, 30, 1],
      [1, 30, 2],
      [1, 30, 2],
      [1, 30, 0],
    ]);
    expect(text).toBe('a');
    expect(w.stats).toEqual({ presses: 1, repeats: 2, lost: 0 });
  });

  it('SYN_DROPPED is a loss and forgets held modifiers', () => {
    const { items } = run([...press(42), [0, 3, 0], ...tap(30)]);
    expect(items).toEqual([
      { kind: 'lost', reason: 'input events lost (SYN_DROPPED)' },
      { kind: 'text', bytes: Buffer.from('a') },
    ]);
  });

  it('Backspace and unknown keys are losses, LED and MSC events are ignored', () => {
    const { items } = run([[0x11, 1, 1], ...tap(14), ...tap(250)]);
    expect(items.map((i) => i.kind)).toEqual(['lost', 'lost']);
  });
});
