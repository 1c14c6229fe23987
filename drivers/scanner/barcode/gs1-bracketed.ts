// The GS1 human-readable (bracketed) form: `(01)04012345678901(17)271231(10)LOT123`.
// A "(" inside a value is written "\(" (as GS1's own tools do); spaces around values and stray GS
// characters are ignored (neither is in GS1 character set 82).

import { GS } from './gs1.js';
import { AI_TABLE } from './gs1-ai-table.js';
import { addElement, emptyReading, type Gs1Context, type Gs1Reading } from './gs1-element.js';

const AI_OPEN = /\((\d{2,4})\)/y;

/** Whether the data starts like the bracketed form. */
export function isBracketedGs1(data: string): boolean {
  return /^\(\d{2,4}\)/.test(data);
}

/** Where the value starting at `from` ends: the next unescaped "(" that opens an AI, or the end. */
function valueEnd(data: string, from: number): number {
  for (let i = from; i < data.length; i++) {
    if (data[i] === '\\' && (data[i + 1] === '(' || data[i + 1] === ')')) {
      i++;
      continue;
    }
    if (data[i] === '(') {
      AI_OPEN.lastIndex = i;
      if (AI_OPEN.test(data)) return i;
    }
  }
  return data.length;
}

const cleanValue = (raw: string): string =>
  raw
    .split(GS)
    .join('')
    .trim()
    .replace(/\\([()])/g, '$1');

export function parseGs1Bracketed(data: string, ctx: Gs1Context): Gs1Reading {
  const reading = emptyReading();
  const text = data.split(GS).join('').trim();
  if (!isBracketedGs1(text)) {
    reading.errors.push('bracketed GS1 data must start with "(AI)"');
    return reading;
  }
  let i = 0;
  while (i < text.length) {
    AI_OPEN.lastIndex = i;
    const m = AI_OPEN.exec(text);
    if (!m || m[1] === undefined) break; // cannot happen: valueEnd stops only at an AI opening
    const ai = m[1];
    const start = i + m[0].length;
    const end = valueEnd(text, start);
    const value = cleanValue(text.slice(start, end));
    const def = AI_TABLE.get(ai);
    if (def) addElement(reading, def, value, ctx);
    else {
      reading.errors.push(`unknown application identifier (${ai})`);
      reading.elements.push({ ai, value });
      reading.fields[`ai${ai}`] = value;
    }
    i = end;
  }
  return reading;
}
