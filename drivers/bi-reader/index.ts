// The bi-reader driver family: rapid-readout biological-indicator readers (incubators) sending one line
// per event over a serial line or a serial device server (docs/devices.md, "BI readers").

export { BiReaderDriver, BI_LINE_OVERFLOW_REASON, BI_CUT_LINE_REASON, DEFAULT_BI_MAX_LINE_BYTES, type BiReaderDriverOptions, type BiReaderCounters } from './driver.js';
export { parseBiLine, initialBiParserState, BI_PARSE_ERROR_REASONS, MAX_WELLS, type BiParserContext, type BiParserState, type BiParseResult, type BiParseErrorReason, type PlacedVial } from './parse.js';
export { splitBiLine, biChecksum, BI_LINE_PROBLEMS, type BiLine, type BiLineResult, type BiLineProblem } from './bi-line.js';
