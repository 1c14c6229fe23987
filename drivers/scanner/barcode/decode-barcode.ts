// One scan -> what it is (`sterilink decode-barcode`, README.md). Pure: no I/O, no clock ("today" is passed in).
// Never throws: whatever cannot be read is returned as kind `unknown`, with the raw text kept.
//
// Order of recognition, after trimming CR/LF/tabs around the scan and taking off an AIM identifier:
//  1. a leading "+": HIBC (trailing spaces kept: a space can be the check character)
//  2. an AIM GS1 identifier (]C1 ]d2 ]Q3 ]e0 ]J1): GS1, raw or bracketed; EAN/UPC (]E0 ]E4): a bare GTIN
//  3. an operator badge or command code (configurable set)
//  4. a leading GS, or the bracketed form "(01)…": GS1
//  5. a GS anywhere, or a complete element string that starts with a key AI and is ≥ 16 long: GS1
//  6. the internal-code pattern: internal
//  7. otherwise: unknown

import type { BarcodeFields, BarcodeKind, DecodedBarcode, Ymd } from '../../../vocabulary/barcode.js';
import { EAN_UPC_SYMBOLOGIES, GS1_SYMBOLOGIES, splitAim } from './aim.js';
import { type CommandSet, DEFAULT_COMMAND_SET, readCommand } from './commands.js';
import { GS, looksLikeBareGs1, parseBareGtin, parseGs1ElementString } from './gs1.js';
import { isBracketedGs1, parseGs1Bracketed } from './gs1-bracketed.js';
import type { Gs1Reading } from './gs1-element.js';
import { isHibc, parseHibc } from './hibc.js';
import { compileInternalPattern, DEFAULT_INTERNAL_PATTERN, type InternalPattern, isInternalCode } from './internal.js';

export interface DecodeOptions {
  /** Badge and command codes; default DEFAULT_COMMAND_SET (`OP:<id>`, `CMD:CI-PASS` …). */
  commands?: CommandSet;
  /** Internal pack/tray codes; default DEFAULT_INTERNAL_PATTERN. */
  internalPattern?: InternalPattern;
  /**
   * Today, for the century of two-digit years (GS1 window: 49 years back to 50 ahead). The gateway
   * and the CLI pass their clock's date. Without it (or with a year that is not an integer) the
   * window is that of the year 2000 (1951–2050): deterministic, and right for expiry dates until
   * the 2040s. Only `year` is used today.
   */
  today?: Ymd;
}

/** The reference year used when no `today` is given (see DecodeOptions.today). */
export const FALLBACK_YEAR = 2000;

/** Longer scans are not parsed (a GS1 DataMatrix holds at most ~3,100 characters). */
export const MAX_SCAN_LENGTH = 4096;

function result(kind: BarcodeKind, raw: string, symbology: string | undefined, fields: BarcodeFields, errors: string[]): DecodedBarcode {
  const valid = kind !== 'unknown' && errors.length === 0;
  return symbology === undefined ? { kind, valid, fields, errors, raw } : { kind, valid, symbology, fields, errors, raw };
}

const fromGs1 = (raw: string, symbology: string | undefined, r: Gs1Reading): DecodedBarcode => result('gs1', raw, symbology, r.fields, r.errors);

function decode(raw: string, opts: DecodeOptions): DecodedBarcode {
  const year = opts.today?.year;
  const ctx = { currentYear: year !== undefined && Number.isInteger(year) ? year : FALLBACK_YEAR };
  // Trailing spaces are kept for HIBC, where a space is a possible check character.
  const text = raw.replace(/^[ \t\r\n]+|[\t\r\n]+$/g, '');
  if (text.trim() === '') return result('unknown', raw, undefined, {}, ['empty scan']);
  if (text.length > MAX_SCAN_LENGTH) return result('unknown', raw, undefined, {}, [`scan longer than ${MAX_SCAN_LENGTH} characters`]);
  const split = splitAim(text);
  const symbology = split.symbology;
  if (isHibc(split.data)) {
    const r = parseHibc(split.data, ctx);
    return result('hibc', raw, symbology, r.fields, r.errors);
  }
  const data = split.data.replace(/ +$/, '');

  if (symbology !== undefined && GS1_SYMBOLOGIES[symbology] !== undefined) {
    const body = data.replace(/^\x1d+/, '');
    return fromGs1(raw, symbology, isBracketedGs1(body) ? parseGs1Bracketed(body, ctx) : parseGs1ElementString(body, ctx));
  }
  if (symbology !== undefined && EAN_UPC_SYMBOLOGIES[symbology] !== undefined) return fromGs1(raw, symbology, parseBareGtin(data));

  const command = readCommand(data, opts.commands ?? DEFAULT_COMMAND_SET);
  if (command) return result(command.kind, raw, symbology, command.fields, command.errors);

  if (data.startsWith(GS)) return fromGs1(raw, symbology, parseGs1ElementString(data, ctx));
  if (isBracketedGs1(data)) return fromGs1(raw, symbology, parseGs1Bracketed(data, ctx));
  if (looksLikeBareGs1(data, ctx)) return fromGs1(raw, symbology, parseGs1ElementString(data, ctx));

  const pattern = compileInternalPattern(opts.internalPattern ?? DEFAULT_INTERNAL_PATTERN);
  if (pattern.ok && isInternalCode(data, pattern.re)) return result('internal', raw, symbology, { code: data }, []);
  const errors = ['not a GS1, HIBC, operator, command or internal code'];
  if (!pattern.ok) errors.push(pattern.reason);
  return result('unknown', raw, symbology, {}, errors);
}

/** Decode one scan. Never throws; `kind: 'unknown'` (valid false) for anything unreadable. */
export function decodeBarcode(raw: string, opts: DecodeOptions = {}): DecodedBarcode {
  if (typeof raw !== 'string') return result('unknown', String(raw), undefined, {}, ['scan is not text']);
  try {
    return decode(raw, opts);
  } catch (e) {
    // A decoder bug must not lose the scan: it is returned as unknown, with the reason.
    return result('unknown', raw, undefined, {}, [`decoder failure: ${e instanceof Error ? e.message : String(e)}`]);
  }
}
