// One scanned code -> its `scan` event (pure): the code exactly as scanned (`raw`) and how it reads
// (`parsed`: GS1, HIBC, badge, command, internal code, or unknown; the `scan` event of docs/architecture.md). The
// reading depends on the site: its command set, its internal-code pattern, and its calendar day (the century
// of a two-digit year), so the app passes the same ScanReading to the scanner driver and to the station,
// and a scan reads the same wherever it is read.
import type { DecodedBarcode } from '../../vocabulary/barcode.js';
import type { ScanEvent } from '../../vocabulary/device-event.js';
import { localDate, systemTimeZone } from '../../vocabulary/local-day.js';
import type { CommandSet } from './barcode/commands.js';
import { decodeBarcode } from './barcode/decode-barcode.js';
import type { InternalPattern } from './barcode/internal.js';

/** How the site reads its codes (config `release`: internalPattern, timeZone). Every field optional. */
export interface ScanReading {
  /** Badge and command codes; default the decoder's one vocabulary (DEFAULT_COMMAND_SET). */
  commands?: CommandSet;
  /** Internal pack and tray codes; default DEFAULT_INTERNAL_PATTERN. */
  internalPattern?: InternalPattern;
  /** IANA zone of the site's calendar day; default the system's. */
  timeZone?: string;
}

/** How `raw`, scanned at `ts`, reads at this site. Never throws. */
export function readScan(raw: string, ts: number, reading: ScanReading = {}): DecodedBarcode {
  const day = localDate(ts, reading.timeZone ?? systemTimeZone());
  return decodeBarcode(raw, {
    ...(reading.commands !== undefined && { commands: reading.commands }),
    ...(reading.internalPattern !== undefined && { internalPattern: reading.internalPattern }),
    today: { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) },
  });
}

/** The `scan` event of one code. */
export function scanEvent(deviceId: string, ts: number, raw: string, reading: ScanReading = {}): ScanEvent {
  return { kind: 'scan', deviceId, ts, raw, parsed: readScan(raw, ts, reading) };
}
