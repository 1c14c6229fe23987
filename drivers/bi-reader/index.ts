// The bi-reader driver family: rapid-readout biological-indicator readers (incubators) sending one line
// per event over a serial line or a serial device server (docs/devices.md, "BI readers").

export { BI_LINE_PROBLEMS, type BiLine, type BiLineProblem, type BiLineResult, biChecksum, splitBiLine } from './bi-line.js';
export {
  BI_CUT_LINE_REASON,
  BI_LINE_OVERFLOW_REASON,
  type BiReaderCounters,
  BiReaderDriver,
  type BiReaderDriverOptions,
  DEFAULT_BI_MAX_LINE_BYTES,
} from './driver.js';
export {
  BI_PARSE_ERROR_REASONS,
  type BiParseErrorReason,
  type BiParseResult,
  type BiParserContext,
  type BiParserState,
  initialBiParserState,
  MAX_WELLS,
  type PlacedVial,
  parseBiLine,
} from './parse.js';
