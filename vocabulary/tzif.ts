// The Time Zone Information Format (TZif, RFC 8536): the compiled zone files of /usr/share/zoneinfo, read from
// their bytes. Version 1 holds 32-bit transition times only; version 2+ repeats the data with 64-bit times and
// ends in a footer, a POSIX TZ string for the instants after the last transition. Pure: the caller reads the file.

export interface LocalTimeType {
  /** Offset from UT in seconds, east positive. */
  utOffset: number;
  isDst: boolean;
  abbreviation: string;
}

export interface Tzif {
  /** 1, 2, 3 or 4. */
  version: number;
  /** Transition instants, seconds since the epoch, ascending. */
  transitions: number[];
  /** For each transition, the index in `types` of the local time type from then on. */
  transitionTypes: number[];
  types: LocalTimeType[];
  /** The footer's POSIX TZ string (v2+; '' when the file has none or is v1). */
  footer: string;
}

const MAGIC = [0x54, 0x5a, 0x69, 0x66]; // "TZif"
const HEADER = 44;

/** Whether `bytes` start as a TZif file does. */
export function hasTzifMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}

interface Counts {
  isutcnt: number;
  isstdcnt: number;
  leapcnt: number;
  timecnt: number;
  typecnt: number;
  charcnt: number;
}

function header(view: DataView, at: number): { version: number; counts: Counts } | undefined {
  if (view.byteLength < at + HEADER) return undefined;
  for (let i = 0; i < 4; i++) if (view.getUint8(at + i) !== MAGIC[i]) return undefined;
  const v = view.getUint8(at + 4);
  const version = v === 0 ? 1 : v - 0x30;
  if (version < 1 || version > 9) return undefined;
  const n = (k: number) => view.getUint32(at + 20 + 4 * k);
  return { version, counts: { isutcnt: n(0), isstdcnt: n(1), leapcnt: n(2), timecnt: n(3), typecnt: n(4), charcnt: n(5) } };
}

function blockLength(c: Counts, timeSize: number): number {
  return c.timecnt * timeSize + c.timecnt + c.typecnt * 6 + c.charcnt + c.leapcnt * (timeSize + 4) + c.isstdcnt + c.isutcnt;
}

/**
 * The transitions, local time types and footer of a TZif file, or undefined when `bytes` are not a valid one.
 * Files with leap-second records ("right/" zones) are refused: their transition times are not POSIX times.
 */
export function parseTzif(bytes: Uint8Array): Tzif | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = header(view, 0);
  if (!first) return undefined;
  let at = HEADER;
  let counts = first.counts;
  let timeSize = 4;
  if (first.version >= 2) {
    // Skip the v1 block; the v2+ header and block that follow hold the same data with 64-bit times.
    at += blockLength(counts, 4);
    const second = header(view, at);
    if (!second) return undefined;
    at += HEADER;
    counts = second.counts;
    timeSize = 8;
  }
  const { timecnt, typecnt, charcnt, leapcnt, isstdcnt, isutcnt } = counts;
  if (typecnt === 0 || leapcnt > 0 || (isstdcnt !== 0 && isstdcnt !== typecnt) || (isutcnt !== 0 && isutcnt !== typecnt)) return undefined;
  if (view.byteLength < at + blockLength(counts, timeSize)) return undefined;

  const transitions: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    const t = timeSize === 4 ? view.getInt32(at) : Number(view.getBigInt64(at));
    if (i > 0 && t <= (transitions[i - 1] as number)) return undefined;
    transitions.push(t);
    at += timeSize;
  }
  const transitionTypes: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    const type = view.getUint8(at++);
    if (type >= typecnt) return undefined;
    transitionTypes.push(type);
  }
  const raw: { utOffset: number; isDst: boolean; abbrIndex: number }[] = [];
  for (let i = 0; i < typecnt; i++) {
    raw.push({ utOffset: view.getInt32(at), isDst: view.getUint8(at + 4) === 1, abbrIndex: view.getUint8(at + 5) });
    at += 6;
  }
  const chars = bytes.subarray(at, at + charcnt);
  at += charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt;
  const types: LocalTimeType[] = raw.map((r) => {
    let end = r.abbrIndex;
    while (end < chars.length && chars[end] !== 0) end++;
    return { utOffset: r.utOffset, isDst: r.isDst, abbreviation: String.fromCharCode(...chars.subarray(r.abbrIndex, end)) };
  });

  let footer = '';
  if (first.version >= 2) {
    // "\n" TZ string "\n"
    if (bytes[at] !== 0x0a) return undefined;
    const close = bytes.indexOf(0x0a, at + 1);
    if (close < 0) return undefined;
    footer = String.fromCharCode(...bytes.subarray(at + 1, close));
  }
  return { version: first.version, transitions, transitionTypes, types, footer };
}
