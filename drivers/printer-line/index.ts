// The printer-line driver family: sterilizer ticket text over a serial or TCP line.

export { type CompiledPrinterProfile, compileProfile, normalizeLabel, phaseForLabel, programNumberFor } from './compile-profile.js';
export { DEFAULT_ATMOSPHERIC_KPA, LINE_OVERFLOW_REASON, type PrinterLineCounters, PrinterLineDriver, type PrinterLineDriverOptions } from './driver.js';
export {
  absoluteKpa,
  cleanLine,
  type HeldEnd,
  type HeldLine,
  initialParserState,
  MAX_HEADER_LINES,
  PARSE_ERROR_REASONS,
  type PendingTicket,
  type PrinterParseErrorReason,
  type PrinterParseResult,
  type PrinterParserContext,
  type PrinterParserState,
  parsePrinterLine,
  printerParserTick,
  type ResumedCycle,
  resumedParserState,
} from './parse.js';
export {
  DEFAULT_IDLE_GAP_S,
  type FlagRule,
  GAUGE_PRESSURE_UNITS,
  namedGroups,
  needsIdleTick,
  PATTERN_GROUPS,
  PRESSURE_UNITS,
  PROFILE_KEYS,
  type PressureUnit,
  type PrinterLineProfile,
  SEGMENTATIONS,
  type Segmentation,
  type SummaryRule,
  segmentationOf,
  TEMPERATURE_UNITS,
  type TemperatureUnit,
  validateProfile,
} from './profile.js';
export { isProfileName, type LoadProfileOptions, loadPrinterProfile, parsePrinterProfileText } from './profile-file.js';
export {
  AMSCO_LS,
  AMSCO_LS_METRIC,
  BUILTIN_PRINTER_PROFILES,
  DEFAULT_PRINTER_PROFILE,
  PREVAC_TICKET,
  PREVAC_TICKET_ZH,
  SCICAN_SUMMARY,
} from './profiles/index.js';
export {
  type CivilDay,
  civilDayOf,
  formatCivilDay,
  isoDateFromParts,
  localTimeToEpochMs,
  nearestLocalTime,
  parseDuration,
  parseIsoDate,
  secondOfDay,
} from './ticket-time.js';
export { celsius, fahrenheit, fromAbsoluteKpa, readNumber } from './units.js';
