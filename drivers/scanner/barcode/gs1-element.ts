// One GS1 element (AI + value) checked against the AI table and written into the decoded fields.

import type { BarcodeFields } from '../../../vocabulary/barcode.js';
import { gs1CheckDigit, hasValidGs1CheckDigit } from './check-digits.js';
import { parseYymmdd } from './dates.js';
import type { AiDefinition } from './gs1-ai-table.js';

export interface Gs1Element {
  ai: string;
  value: string;
}

/** What a GS1 reader accumulates: the fields, the problems, and the elements in scan order. */
export interface Gs1Reading {
  fields: BarcodeFields;
  errors: string[];
  elements: Gs1Element[];
}

export interface Gs1Context {
  /** The current year, for the century of YYMMDD dates. */
  currentYear: number;
}

export function emptyReading(): Gs1Reading {
  return { fields: {}, errors: [], elements: [] };
}

const show = (value: string): string => JSON.stringify(value);

function checkProblem(def: AiDefinition, value: string): string | undefined {
  if (!def.check) return undefined;
  if (def.check === 'grai' && value[0] !== '0') return `first digit ${value[0] ?? ''} should be 0`;
  // mod10: the whole value; GDTI: its first 13 digits; GRAI: the 13 digits after the leading 0.
  const digits = def.check === 'mod10' ? value : def.check === 'mod10-first13' ? value.slice(0, 13) : value.slice(1, 14);
  if (hasValidGs1CheckDigit(digits)) return undefined;
  const expected = gs1CheckDigit(digits.slice(0, -1));
  return `check digit ${digits[digits.length - 1] ?? ''} should be ${expected}`;
}

function lengthProblem(def: AiDefinition, value: string): string | undefined {
  if (value.length === 0) return `no value (expected ${def.format})`;
  if (def.fixed !== undefined && value.length !== def.fixed) return `expected ${def.format}, found ${value.length} characters ${show(value)}`;
  if (def.max !== undefined && value.length > def.max) return `expected ${def.format}, found ${value.length} characters (a missing GS separator?)`;
  if (!def.pattern.test(value))
    return `${show(value)} is not ${def.format}${def.format.startsWith('X') || def.format.includes('+X') ? ' (GS1 character set 82)' : ''}`;
  return undefined;
}

/**
 * Check one element and record it. Values are kept as encoded even when a check fails (the scan is
 * recorded, never dropped), except dates, whose field is set only when the date is real: a
 * consumer comparing `expiry` must be able to trust it is YYYY-MM-DD.
 */
export function addElement(reading: Gs1Reading, def: AiDefinition, value: string, ctx: Gs1Context): void {
  reading.elements.push({ ai: def.ai, value });
  const label = `(${def.ai}) ${def.field}`;
  const problem = lengthProblem(def, value) ?? checkProblem(def, value);
  if (problem) reading.errors.push(`${label}: ${problem}`);
  let fieldValue: string | undefined = value;
  if (def.date && !problem) {
    const d = parseYymmdd(value, ctx.currentYear);
    if (d.ok) fieldValue = d.iso;
    else {
      reading.errors.push(`${label} ${show(value)}: ${d.reason}`);
      fieldValue = undefined;
    }
  } else if (def.date) fieldValue = undefined;
  if (fieldValue === undefined) return;
  const previous = reading.fields[def.field];
  if (previous === undefined) reading.fields[def.field] = fieldValue;
  else if (previous !== fieldValue) reading.errors.push(`${label} appears twice with different values: ${show(previous)} and ${show(fieldValue)}`);
}
