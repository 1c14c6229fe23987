// The scanner driver: transport bytes -> (keyboard-wedge decoding for HID) -> ScanFramer -> parse.ts -> one
// `scan` event per code, carrying the code exactly as scanned (AIM prefix and GS separators intact, suffix
// stripped) and how it reads at this site (GS1, HIBC, badge, command, internal code; `reading`).
//
// Two wire formats: `text`, a serial scanner (RS-232, USB CDC-ACM, a serial device server) sending the
// code's characters; `input-event`, a USB HID keyboard-wedge scanner read through HidTransport as Linux
// input_event records typed in the US layout. Problems never stop it: an over-long code, a damaged code
// (keys outside the layout, lost events) and a code cut by a disconnect each become a `parse-error`,
// counted and logged once per reason (warn), later ones at debug level.

import { GatewayError } from '../../vocabulary/errors.js';
import { StreamDriver } from '../support/stream-driver.js';
import type { StreamDriverOptions } from '../support/transport-session.js';
import { DEFAULT_MAX_CODE_BYTES, ScanFramer, type ScanItem, type ScanSuffix } from './framer.js';
import { InputEventDecoder, type InputEventLayout, inputEventLayoutFor, isInputEventLayout } from './input-event.js';
import { KeyboardWedgeDecoder } from './keyboard-wedge.js';
import { type ScanReading, scanEvent } from './parse.js';

export const SCANNER_WIRE_FORMATS = ['text', 'input-event'] as const;
export type ScannerWireFormat = (typeof SCANNER_WIRE_FORMATS)[number];

/** The `reason` of every parse-error this driver emits (a small fixed set, so logging once per reason stays quiet). */
export const SCAN_ERROR_REASONS = {
  overflow: 'code longer than maxCodeBytes',
  damaged: 'code with characters lost',
  incomplete: 'code cut off by a disconnect',
} as const;

export interface ScannerDriverOptions extends StreamDriverOptions {
  /** Default `text`; `input-event` for a HidTransport. */
  format?: ScannerWireFormat;
  /** The scanner's configured suffix. Default `auto` (CR, LF, CRLF or TAB). A HID scanner's Enter is CR. */
  suffix?: ScanSuffix;
  /** Text encoding of a serial scanner. Default `utf-8`; HID text is always latin1 (single bytes). */
  encoding?: string;
  /** Default 4096. */
  maxCodeBytes?: number;
  /** input-event only: record size; default from process.arch (24 on 64-bit, 16 on 32-bit). */
  inputEventLayout?: InputEventLayout;
  /** input-event only: F-key -> text, e.g. `{ F8: '\u001d' }` for a scanner sending GS as F8. */
  functionKeys?: Readonly<Record<string, string>>;
  /** How the site reads its codes (the same as its stations'); default the decoder's defaults. */
  reading?: ScanReading;
}

export interface ScannerCounters {
  bytes: number;
  scans: number;
  parseErrors: number;
  overflows: number;
  damaged: number;
  incomplete: number;
}

export class ScannerDriver extends StreamDriver<ScannerDriverOptions, ScannerCounters> {
  private framer: ScanFramer | undefined;
  private records: InputEventDecoder | undefined;
  private wedge: KeyboardWedgeDecoder | undefined;

  constructor(options: ScannerDriverOptions) {
    super(options, 'scanner', 'scan rejected', { bytes: 0, scans: 0, parseErrors: 0, overflows: 0, damaged: 0, incomplete: 0 });
  }

  async start(): Promise<void> {
    if (this.started) return;
    const o = this.options;
    const format = o.format ?? 'text';
    if (!(SCANNER_WIRE_FORMATS as readonly string[]).includes(format)) {
      throw new GatewayError('device.scanner.format', `scanner format must be one of ${SCANNER_WIRE_FORMATS.join(', ')}, found "${format}"`, {
        deviceId: o.deviceId,
      });
    }
    const hid = format === 'input-event';
    if (hid) {
      const layout = o.inputEventLayout ?? inputEventLayoutFor();
      if (!isInputEventLayout(layout)) {
        throw new GatewayError('device.scanner.layout', `inputEventLayout must be 16 or 24 (bytes per record), found ${String(layout)}`, {
          deviceId: o.deviceId,
        });
      }
      this.records = new InputEventDecoder(layout);
      this.wedge = new KeyboardWedgeDecoder(o.functionKeys ? { functionKeys: o.functionKeys } : {});
    }
    this.framer = new ScanFramer({
      suffix: o.suffix ?? 'auto',
      maxCodeBytes: o.maxCodeBytes ?? DEFAULT_MAX_CODE_BYTES,
      encoding: hid ? 'latin1' : (o.encoding ?? 'utf-8'),
    });
    await this.open({ format, suffix: this.framer.suffix, ...(this.records && { recordBytes: this.records.layout }) });
  }

  protected receive(chunk: Buffer): void {
    const framer = this.framer;
    if (framer === undefined) return;
    if (this.records === undefined || this.wedge === undefined) {
      this.handle(framer.push(chunk));
      return;
    }
    for (const item of this.wedge.push(this.records.push(chunk))) {
      if (item.kind === 'lost') framer.markDamaged(item.reason);
      else this.handle(framer.push(item.bytes));
    }
  }

  protected onLinkDown(): void {
    // A code cut by the disconnect is reported, never passed on as a (shorter, wrong) scan.
    if (this.framer !== undefined) this.handle(this.framer.flush());
    this.records?.reset();
    this.wedge?.reset();
  }

  private handle(items: ScanItem[]): void {
    for (const item of items) {
      const ts = this.options.now();
      const deviceId = this.options.deviceId;
      switch (item.kind) {
        case 'code':
          this.counts.scans++;
          this.emit(scanEvent(deviceId, ts, item.text, this.options.reading));
          break;
        case 'overflow':
          this.counts.overflows++;
          this.problem(SCAN_ERROR_REASONS.overflow, item.head, ts, { maxCodeBytes: this.framer?.maxCodeBytes });
          break;
        case 'damaged':
          this.counts.damaged++;
          this.problem(SCAN_ERROR_REASONS.damaged, item.text, ts, { cause: item.reason });
          break;
        case 'incomplete':
          this.counts.incomplete++;
          this.problem(SCAN_ERROR_REASONS.incomplete, item.text, ts);
          break;
      }
    }
  }

  private problem(reason: string, raw: string, ts: number, extra: Record<string, unknown> = {}): void {
    this.counts.parseErrors++;
    this.reject(reason, raw, ts, extra);
  }
}
