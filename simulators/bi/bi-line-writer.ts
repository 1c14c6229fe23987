// The lines a simulated BI reader prints (docs/devices.md, "BI readers"): one record per line,
// `BI <VERB> key=value ...`, optionally followed by ` *HH`, the XOR of the characters before it.
// Written apart from the driver's parser (simulators never import drivers/), so tests check one
// against the other.

export type BiResultWord = 'negative' | 'positive' | 'invalid';

export interface BiStartLine {
  well: string;
  lot: string;
  product: string;
  program: string;
  readoutMin: number;
  at: number;
  vial?: string;
  control: boolean;
}
export interface BiResultLine {
  well: string;
  lot: string;
  result: BiResultWord;
  at: number;
  incubationMin: number;
  vial?: string;
  control: boolean;
  caution?: string;
}
export interface BiCautionLine {
  well: string;
  code: string;
  text: string;
  at: number;
}
export interface BiReaderLine {
  id: string;
  model: string;
  wells: number;
  firmware: string;
}

const WORDS: Readonly<Record<BiResultWord, string>> = { negative: 'NEG', positive: 'POS', invalid: 'INV' };

/** ISO 8601 UTC to the second, as the reader prints it. */
export function readerTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function withChecksum(text: string): string {
  let x = 0;
  for (let i = 0; i < text.length; i++) x ^= text.charCodeAt(i) & 0xff;
  return `${text} *${x.toString(16).toUpperCase().padStart(2, '0')}`;
}

export function startLine(s: BiStartLine): string {
  const vial = s.vial !== undefined ? ` vial=${s.vial}` : '';
  return `BI START well=${s.well} lot=${s.lot} product=${s.product} prog=${s.program} readout=${s.readoutMin} at=${readerTime(s.at)}${vial} control=${s.control ? 1 : 0}`;
}

/** A control vial's result is printed as `BI CONTROL`, any other as `BI RESULT`. */
export function resultLine(r: BiResultLine): string {
  const verb = r.control ? 'CONTROL' : 'RESULT';
  const vial = r.vial !== undefined ? ` vial=${r.vial}` : '';
  const caution = r.caution !== undefined ? ` caution=${r.caution}` : '';
  return `BI ${verb} well=${r.well} lot=${r.lot} result=${WORDS[r.result]} at=${readerTime(r.at)} incubation=${r.incubationMin}${vial}${caution}`;
}

export function cautionLine(c: BiCautionLine): string {
  return `BI CAUTION well=${c.well} code=${c.code} at=${readerTime(c.at)} text=${c.text}`;
}

export function readerLine(r: BiReaderLine): string {
  return `BI READER id=${r.id} model=${r.model} wells=${r.wells} fw=${r.firmware}`;
}
