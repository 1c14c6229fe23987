// The printer-line driver family: sterilizer ticket text over a serial or TCP line.

export { PrinterLineDriver, DEFAULT_ATMOSPHERIC_KPA, LINE_OVERFLOW_REASON, type PrinterLineCounters, type PrinterLineDriverOptions } from './driver.js';
export {
  parsePrinterLine,
  printerParserTick,
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
  type HeldEnd,
} from './parse.js';
export {
  validateProfile, namedGroups, needsIdleTick, segmentationOf,
  PRESSURE_UNITS, GAUGE_PRESSURE_UNITS, TEMPERATURE_UNITS, PATTERN_GROUPS, PROFILE_KEYS, SEGMENTATIONS, DEFAULT_IDLE_GAP_S,
  type PrinterLineProfile, type PressureUnit, type TemperatureUnit, type Segmentation, type FlagRule, type SummaryRule,
} from './profile.js';
export { celsius, fahrenheit, fromAbsoluteKpa, readNumber } from './units.js';
export { compileProfile, normalizeLabel, phaseForLabel, programNumberFor, type CompiledPrinterProfile } from './compile-profile.js';
export {
  PREVAC_TICKET, PREVAC_TICKET_ZH, AMSCO_LS, AMSCO_LS_METRIC, SCICAN_SUMMARY, DEFAULT_PRINTER_PROFILE, BUILTIN_PRINTER_PROFILES,
} from './profiles/index.js';
export { loadPrinterProfile, parsePrinterProfileText, isProfileName, type LoadProfileOptions } from './profile-file.js';
export { parseIsoDate, formatCivilDay, civilDayOf, localTimeToEpochMs, nearestLocalTime, secondOfDay, isoDateFromParts, parseDuration, type CivilDay } from './ticket-time.js';
