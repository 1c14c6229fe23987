// The scanner driver family: barcode scanners on a serial line (RS-232, USB CDC-ACM), on TCP (a serial
// device server), or USB HID keyboard-wedge scanners read from /dev/input/event*.

export { ScannerDriver, SCANNER_WIRE_FORMATS, SCAN_ERROR_REASONS, type ScannerDriverOptions, type ScannerCounters, type ScannerWireFormat } from './driver.js';
export { readScan, scanEvent, type ScanReading } from './parse.js';
export { ScanFramer, SCAN_SUFFIXES, DEFAULT_MAX_CODE_BYTES, isScanSuffix, type ScanSuffix, type ScanItem, type ScanFramerOptions, type ScanFramerStats } from './framer.js';
export {
  InputEventDecoder, readInputEvent, inputEventLayoutFor, isInputEventLayout,
  EV_SYN, EV_KEY, EV_MSC, EV_LED, EV_REP, SYN_DROPPED, KEY_PRESS, KEY_RELEASE, KEY_AUTOREPEAT,
  type InputEvent, type InputEventLayout,
} from './input-event.js';
export { KeyboardWedgeDecoder, type KeyboardWedgeOptions, type KeyboardWedgeStats, type WedgeItem } from './keyboard-wedge.js';
export { KEY, US_KEYMAP, KEYPAD, FUNCTION_KEYS, keyName } from './hid-keymap.js';
export { HidTransport, DEFAULT_HID_POLL_MS, DEFAULT_HID_CHECK_MS, type HidTransportOptions } from './transport.js';
