// What the gateway makes of one scan (`sterilink decode-barcode`, README.md): the public shape of a decoded barcode.

/** How a scan was read. `unknown` is a scan nothing recognised: it is kept (with `raw`), never dropped. */
export type BarcodeKind = 'gs1' | 'hibc' | 'operator' | 'command' | 'internal' | 'unknown';

/**
 * Named values read from the code. Every value is a string: element values exactly as encoded
 * (a GTIN keeps its 14 digits, a quantity its digits), except dates, which are ISO `YYYY-MM-DD`.
 * GS1 names: sscc (00), gtin (01), content (02), lot (10), productionDate (11), dueDate (12),
 * packagingDate (13), bestBefore (15), sellBy (16), expiry (17), variant (20), serial (21), …,
 * quantity (30), count (37), grai (8003), giai (8004); see gs1-ai-table.ts for the full list.
 * HIBC names: lic, product, unitOfMeasure, lot, serial, expiry, productionDate, quantity, link.
 * Operator badges: operator. Commands: command. Internal codes: code.
 */
export type BarcodeFields = Record<string, string>;

export interface DecodedBarcode {
  kind: BarcodeKind;
  /** True only when every check (check digit or character, dates, lengths, character set) passed. */
  valid: boolean;
  /** The AIM symbology identifier the scanner sent, e.g. `]d2`; absent when it sent none. */
  symbology?: string;
  fields: BarcodeFields;
  /** One human-readable line per problem; empty when `valid`. */
  errors: string[];
  /** The scan exactly as received. */
  raw: string;
}

/** A calendar date without a time zone, as the caller's clock sees "today". */
export interface Ymd {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}
