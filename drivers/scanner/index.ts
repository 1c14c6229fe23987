// The scanner driver family: barcode scanners on a serial line (RS-232, USB CDC-ACM), on TCP (a serial
// device server), or USB HID keyboard-wedge scanners read from /dev/input/event*.

export { SCAN_ERROR_REASONS, SCANNER_WIRE_FORMATS, type ScannerCounters, ScannerDriver, type ScannerDriverOptions, type ScannerWireFormat } from './driver.js';
export {
  DEFAULT_MAX_CODE_BYTES,
  isScanSuffix,
  SCAN_SUFFIXES,
  ScanFramer,
  type ScanFramerOptions,
  type ScanFramerStats,
  type ScanItem,
  type ScanSuffix,
} from './framer.js';
export { FUNCTION_KEYS, KEY, KEYPAD, keyName, US_KEYMAP } from './hid-keymap.js';
export {
  EV_KEY,
  EV_LED,
  EV_MSC,
  EV_REP,
  EV_SYN,
  type InputEvent,
  InputEventDecoder,
  type InputEventLayout,
  inputEventLayoutFor,
  isInputEventLayout,
  KEY_AUTOREPEAT,
  KEY_PRESS,
  KEY_RELEASE,
  readInputEvent,
  SYN_DROPPED,
} from './input-event.js';
export { KeyboardWedgeDecoder, type KeyboardWedgeOptions, type KeyboardWedgeStats, type WedgeItem } from './keyboard-wedge.js';
export { readScan, type ScanReading, scanEvent } from './parse.js';
export { DEFAULT_HID_CHECK_MS, DEFAULT_HID_POLL_MS, HidTransport, type HidTransportOptions } from './transport.js';
