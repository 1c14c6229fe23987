// Text -> GB18030 bytes, for simulated devices that print Chinese. Node decodes GB18030 (TextDecoder) but
// only encodes UTF-8, so the table is built once by decoding every two-byte GB18030 code (lead 0x81–0xFE,
// trail 0x40–0x7E / 0x80–0xFE): that covers ASCII-compatible text, CJK punctuation, ℃ and all of GBK's Han
// characters. A character outside it (the four-byte range) throws: a simulator should not print one.

import { TextDecoder } from 'node:util';

let table: Map<string, number> | undefined;

function twoByteTable(): Map<string, number> {
  if (table !== undefined) return table;
  const decoder = new TextDecoder('gb18030');
  const map = new Map<string, number>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      if (ch.length === 1 && ch !== '\uFFFD' && !map.has(ch)) map.set(ch, (lead << 8) | trail);
    }
  }
  table = map;
  return map;
}

export function encodeGb18030(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const two = twoByteTable().get(ch);
    if (two === undefined) throw new Error(`cannot encode U+${code.toString(16).toUpperCase().padStart(4, '0')} ('${ch}') as two-byte GB18030`);
    out.push(two >> 8, two & 0xff);
  }
  return Buffer.from(out);
}
