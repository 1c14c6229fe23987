// Barcode decoding for the load workflow (pure): GS1, HIBC, operator badges, command codes, internal codes.
export type { BarcodeKind, BarcodeFields, DecodedBarcode, Ymd } from '../../../vocabulary/barcode.js';
export { decodeBarcode, FALLBACK_YEAR, MAX_SCAN_LENGTH, type DecodeOptions } from './decode-barcode.js';
export { isExpired } from './expiry.js';
export { DEFAULT_COMMAND_NAMES, DEFAULT_COMMAND_SET, REASON_CODE, REASON_COMMAND_PREFIX, readCommand, type CommandSet } from './commands.js';
export { DEFAULT_INTERNAL_PATTERN, compileInternalPattern, type InternalPattern } from './internal.js';
export { AI_TABLE, KEY_AIS, type AiDefinition } from './gs1-ai-table.js';
export { GS, parseGs1ElementString, parseBareGtin } from './gs1.js';
export { parseGs1Bracketed } from './gs1-bracketed.js';
export { parseHibc } from './hibc.js';
export { GS1_SYMBOLOGIES, EAN_UPC_SYMBOLOGIES, splitAim, symbologyName } from './aim.js';
export { gs1CheckDigit, hasValidGs1CheckDigit, isValidGtin, hibcCheckCharacter, HIBC_CHARSET } from './check-digits.js';
export { centuryYear, parseYymmdd, isIsoDate } from './dates.js';
export { unescapeGs, showControlCharacters } from './gs-escapes.js';
