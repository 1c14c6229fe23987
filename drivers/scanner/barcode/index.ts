// Barcode decoding for the load workflow (pure): GS1, HIBC, operator badges, command codes, internal codes.
export type { BarcodeFields, BarcodeKind, DecodedBarcode, Ymd } from '../../../vocabulary/barcode.js';
export { EAN_UPC_SYMBOLOGIES, GS1_SYMBOLOGIES, splitAim, symbologyName } from './aim.js';
export { gs1CheckDigit, HIBC_CHARSET, hasValidGs1CheckDigit, hibcCheckCharacter, isValidGtin } from './check-digits.js';
export { type CommandSet, DEFAULT_COMMAND_NAMES, DEFAULT_COMMAND_SET, REASON_CODE, REASON_COMMAND_PREFIX, readCommand } from './commands.js';
export { centuryYear, isIsoDate, parseYymmdd } from './dates.js';
export { type DecodeOptions, decodeBarcode, FALLBACK_YEAR, MAX_SCAN_LENGTH } from './decode-barcode.js';
export { isExpired } from './expiry.js';
export { showControlCharacters, unescapeGs } from './gs-escapes.js';
export { GS, parseBareGtin, parseGs1ElementString } from './gs1.js';
export { AI_TABLE, type AiDefinition, KEY_AIS } from './gs1-ai-table.js';
export { parseGs1Bracketed } from './gs1-bracketed.js';
export { parseHibc } from './hibc.js';
export { compileInternalPattern, DEFAULT_INTERNAL_PATTERN, type InternalPattern } from './internal.js';
