// The printer-line driver family: sterilizer ticket text over a serial or TCP line.

export { PrinterLineDriver, DEFAULT_ATMOSPHERIC_KPA, LINE_OVERFLOW_REASON, type PrinterLineCounters, type PrinterLineDriverOptions } from './driver.js';
export {
  parsePrinterLine,
  initialParserState,
  absoluteKpa,
  cleanLine,
  PARSE_ERROR_REASONS,
  MAX_HEADER_LINES,
  type PrinterParserContext,
  type PrinterParserState,
  type PrinterParseResult,
  type PrinterParseErrorReason,
  type PendingTicket,
  type HeldLine,
} from './parse.js';
export { validateProfile, namedGroups, PRESSURE_UNITS, PATTERN_GROUPS, type PrinterLineProfile, type PressureUnit } from './profile.js';
export { compileProfile, normalizeLabel, phaseForLabel, type CompiledPrinterProfile } from './compile-profile.js';
export { PREVAC_TICKET, DEFAULT_PRINTER_PROFILE, BUILTIN_PRINTER_PROFILES } from './profiles/index.js';
export { parseIsoDate, formatCivilDay, civilDayOf, localTimeToEpochMs, nearestLocalTime, type CivilDay } from './ticket-time.js';
