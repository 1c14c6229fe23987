// Builds TZif files (RFC 8536) byte by byte for tests: written from the RFC's layout, apart from the parser.

export interface TzifSpec {
  /** 1 (no 64-bit data, no footer), 2 or 3. */
  version: 1 | 2 | 3;
  /** Seconds since the epoch, ascending, with the index of the type from then on. */
  transitions?: [number, number][];
  types: { utOffset: number; isDst: boolean; abbreviation: string }[];
  /** v2+ only. */
  footer?: string;
  /** v2+: the v1 block holds this instead of the real data (RFC 8536 lets writers keep it minimal). */
  v1Transitions?: [number, number][];
}

function block(spec: TzifSpec, transitions: [number, number][], timeSize: 4 | 8): { counts: number[]; bytes: number[] } {
  const out: number[] = [];
  const int = (v: number, size: number) => {
    let big = BigInt.asUintN(size * 8, BigInt(v));
    const b: number[] = [];
    for (let i = 0; i < size; i++) {
      b.unshift(Number(big & 0xffn));
      big >>= 8n;
    }
    out.push(...b);
  };
  for (const [t] of transitions) int(t, timeSize);
  for (const [, i] of transitions) out.push(i);
  let chars = '';
  const abbrIndex = spec.types.map((t) => {
    const at = chars.indexOf(`${t.abbreviation}\0`);
    if (at >= 0) return at;
    chars += `${t.abbreviation}\0`;
    return chars.length - t.abbreviation.length - 1;
  });
  spec.types.forEach((t, i) => {
    int(t.utOffset, 4);
    out.push(t.isDst ? 1 : 0, abbrIndex[i] as number);
  });
  for (const c of chars) out.push(c.charCodeAt(0));
  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  return { counts: [0, 0, 0, transitions.length, spec.types.length, chars.length], bytes: out };
}

function header(version: number, counts: number[]): number[] {
  const out = [0x54, 0x5a, 0x69, 0x66, version === 1 ? 0 : 0x30 + version, ...new Array(15).fill(0)];
  for (const c of counts) out.push((c >>> 24) & 0xff, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff);
  return out;
}

export function tzifBytes(spec: TzifSpec): Uint8Array {
  const transitions = spec.transitions ?? [];
  const v1 = block(spec, spec.version === 1 ? transitions : (spec.v1Transitions ?? transitions.filter(([t]) => t >= -(2 ** 31) && t < 2 ** 31)), 4);
  const out = [...header(spec.version, v1.counts), ...v1.bytes];
  if (spec.version >= 2) {
    const v2 = block(spec, transitions, 8);
    out.push(...header(spec.version, v2.counts), ...v2.bytes, 0x0a, ...[...(spec.footer ?? '')].map((c) => c.charCodeAt(0)), 0x0a);
  }
  return Uint8Array.from(out);
}
