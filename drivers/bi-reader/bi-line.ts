// The shape of one BI-reader line (docs/devices.md, "BI readers"), without its meaning. Pure.
//
//   BI <VERB> key=value key=value ... [text=free text to the end] [ *HH]
//
// Keys are lower-case words; a value runs to the next space, except `text`, which takes the rest of the
// line. An optional trailing ` *HH` is a checksum: the XOR of every character before ` *`, as two hex
// digits (as in NMEA 0183); when present it must match.

export interface BiLine {
  verb: string;
  fields: ReadonlyMap<string, string>;
  /** The line carried a checksum and it matched. */
  checked: boolean;
}

export type BiLineResult = { ok: true; line: BiLine } | { ok: false; reason: BiLineProblem };

export const BI_LINE_PROBLEMS = {
  notBi: 'unrecognized line',
  checksum: 'checksum mismatch',
  syntax: 'malformed BI line',
  repeated: 'repeated field',
} as const;
export type BiLineProblem = (typeof BI_LINE_PROBLEMS)[keyof typeof BI_LINE_PROBLEMS];

const CHECKSUM = / \*([0-9A-Fa-f]{2})$/;
const HEAD = /^BI +([A-Z]+)(?: +(.*))?$/;
const KEY = /^([a-z]+)=(.*)$/s;

/** XOR of the characters' codes (the line is ASCII), as the checksum compares it. */
export function biChecksum(text: string): number {
  let x = 0;
  for (let i = 0; i < text.length; i++) x ^= text.charCodeAt(i) & 0xff;
  return x;
}

export function splitBiLine(raw: string): BiLineResult {
  let text = raw.trim();
  let checked = false;
  const sum = CHECKSUM.exec(text);
  if (sum?.[1] !== undefined) {
    text = text.slice(0, sum.index);
    if (biChecksum(text) !== parseInt(sum[1], 16)) return { ok: false, reason: BI_LINE_PROBLEMS.checksum };
    checked = true;
  }
  const head = HEAD.exec(text);
  if (head?.[1] === undefined) return { ok: false, reason: BI_LINE_PROBLEMS.notBi };
  // Control characters mean line noise, not a reader's record.
  if (/[\u0000-\u001f\u007f]/.test(text)) return { ok: false, reason: BI_LINE_PROBLEMS.syntax };
  const fields = new Map<string, string>();
  let rest = head[2] ?? '';
  while (rest.length > 0) {
    const m = KEY.exec(rest);
    if (m?.[1] === undefined || m[2] === undefined) return { ok: false, reason: BI_LINE_PROBLEMS.syntax };
    const key = m[1];
    let value: string;
    if (key === 'text') {
      value = m[2].trim();
      rest = '';
    } else {
      const space = m[2].indexOf(' ');
      value = space < 0 ? m[2] : m[2].slice(0, space);
      rest = space < 0 ? '' : m[2].slice(space + 1).replace(/^ +/, '');
    }
    if (fields.has(key)) return { ok: false, reason: BI_LINE_PROBLEMS.repeated };
    fields.set(key, value);
  }
  return { ok: true, line: { verb: head[1], fields, checked } };
}
