// GS1 element strings as scanners send them: AI + value, variable-length values ended by GS (0x1D,
// the transmitted FNC1) or the end of the data. Leading, trailing and doubled GS are tolerated.
import { gs1CheckDigit, isValidGtin } from './check-digits.js';
import { AI_TABLE, aiAt, KEY_AIS } from './gs1-ai-table.js';
import { addElement, emptyReading, type Gs1Context, type Gs1Reading } from './gs1-element.js';

/** ASCII group separator: how a scanner transmits FNC1 inside GS1 data. */
export const GS = '\x1d';

const isSeparator = (ch: string | undefined): boolean => ch === GS || ch === ' ';

/** Where the value starting at `from` ends: the next GS or space, or the end. */
function separatorAt(data: string, from: number): number {
  for (let i = from; i < data.length; i++) if (isSeparator(data[i])) return i;
  return data.length;
}

/**
 * Read a raw GS1 element string (AIM identifier already removed). An AI the table does not know
 * ends the reading: the rest is kept in `fields.unparsed` and an error names where it starts.
 * Spaces are read like GS: no GS1 value may hold one, and people who type a scan often space it
 * out (`01 09506000134352 17 201231 10 ABC123`); a scanner never sends them.
 */
export function parseGs1ElementString(data: string, ctx: Gs1Context): Gs1Reading {
  const reading = emptyReading();
  let i = 0;
  while (i < data.length) {
    if (isSeparator(data[i])) {
      i++;
      continue;
    }
    const def = aiAt(data, i);
    if (!def) {
      const rest = data.slice(i);
      reading.errors.push(`unknown application identifier at character ${i + 1} (${JSON.stringify(rest.slice(0, 4))}…): the rest is not read`);
      reading.fields.unparsed = rest;
      break;
    }
    i += def.ai.length;
    while (data[i] === ' ') i++;
    const stop = separatorAt(data, i);
    const end = def.fixed !== undefined ? Math.min(i + def.fixed, stop) : stop;
    addElement(reading, def, data.slice(i, end), ctx);
    i = end;
  }
  if (reading.elements.length === 0 && reading.errors.length === 0) reading.errors.push('no GS1 data');
  return reading;
}

/**
 * Whether a scan that came without an AIM identifier should be read as GS1: it holds a GS, or it
 * reads completely (every AI known, nothing left over) as an element string of at least 16
 * characters that starts with a key AI (00, 01, 02, 253, 414, 8003, 8004). A 16-character
 * internal code made of digits and starting with 01 would be misread: scanners should send AIM
 * identifiers (or internal codes avoid that shape).
 */
export function looksLikeBareGs1(data: string, ctx: Gs1Context): boolean {
  if (data.includes(GS)) return true;
  if (data.length < 16 || !/^\d{4}/.test(data)) return false;
  const first = aiAt(data, 0);
  if (!first || !KEY_AIS.has(first.ai)) return false;
  const reading = parseGs1ElementString(data, ctx);
  if (reading.fields.unparsed !== undefined) return false;
  // Structure only (lengths, character sets): a wrong check digit or date is still GS1, just invalid.
  return reading.elements.every(({ ai, value }) => AI_TABLE.get(ai)?.pattern.test(value) === true);
}

/**
 * An EAN/UPC symbol (`]E0`, `]E4`): a bare GTIN-13, UPC-A (12 digits, or 13 with a leading 0) or
 * GTIN-8. The GTIN is reported padded to 14 digits, as AI (01) carries it.
 */
export function parseBareGtin(data: string): Gs1Reading {
  const reading = emptyReading();
  if (!/^\d+$/.test(data) || ![8, 12, 13, 14].includes(data.length)) {
    reading.errors.push(`EAN/UPC data ${JSON.stringify(data)} is not an 8-, 12-, 13- or 14-digit GTIN`);
    return reading;
  }
  reading.fields.gtin = data.padStart(14, '0');
  reading.elements.push({ ai: '01', value: reading.fields.gtin });
  if (!isValidGtin(data)) {
    reading.errors.push(`gtin ${data}: check digit ${data[data.length - 1] ?? ''} should be ${gs1CheckDigit(data.slice(0, -1))}`);
  }
  return reading;
}
