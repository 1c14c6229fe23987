// What every driver emits (docs/architecture.md, "The shared vocabulary"). Drivers never import the gateway; everyone imports this.

import type { DecodedBarcode } from './barcode.js';
import type { Phase } from './phases.js';
import type { SummaryEvent } from './summary-event.js';

export type { SummaryEvent, SummaryPhase } from './summary-event.js';

export type CycleEndStatus = 'ok' | 'aborted' | 'fault';

/** One measurement. `ts` is the acquisition time in ms since the epoch: the device's own clock when it
 * reports one (ticket line time, Modbus clock registers), else the gateway's receive time. */
export interface SampleEvent {
  kind: 'sample';
  deviceId: string;
  ts: number;
  temp_c: number | null;
  temp2_c?: number | null;
  pressure_kpa?: number | null;
  phase?: Phase;
  /** Device clock in ms since the epoch when the device reports one. */
  deviceTime?: number;
}
export interface CycleStartEvent {
  kind: 'cycle-start';
  deviceId: string;
  ts: number;
  /** Device program number as printed or read (mapped to a program id by the gateway). */
  programNo?: number;
  /** Program id when the device names it directly. */
  program?: string;
  cycleNo?: number;
  /** Extra header facts the device printed (operator, load id, device serial ...). */
  info?: Record<string, string>;
  /** The start on the device's own clock, when the device reported it (a printed start time); `ts` is
   * then the same instant. Absent: `ts` is the gateway's receive time. */
  deviceTime?: number;
  /** false when the driver knows a new cycle began but did not see its start (e.g. Modbus polls were
   * failing when the cycle number changed): the cycle is then recorded as header-not-seen. */
  startObserved?: false;
}
export interface PhaseEvent {
  kind: 'phase';
  deviceId: string;
  ts: number;
  phase: Phase;
  label?: string;
}
export interface CycleEndEvent {
  kind: 'cycle-end';
  deviceId: string;
  ts: number;
  status: CycleEndStatus;
  code?: string;
  text?: string;
  /** true: the device printed no result; the driver closed the cycle from the stream (an idle gap after a
   * flag-segmented stream, docs/devices.md). `status` is then the driver's reading of the stream, never
   * the device's word, and must not be taken as the device result. */
  inferred?: boolean;
}
export interface AlarmEvent {
  kind: 'alarm';
  deviceId: string;
  ts: number;
  code: string;
  text: string;
}
/** One scanned code: `raw` exactly as scanned (AIM prefix and GS separators kept, suffix stripped), `parsed`
 * how it reads at this site (drivers/scanner/parse.ts). */
export interface ScanEvent {
  kind: 'scan';
  deviceId: string;
  ts: number;
  raw: string;
  parsed: DecodedBarcode;
}
export interface BiResultEvent {
  kind: 'bi-result';
  deviceId: string;
  ts: number;
  well: string;
  lot: string;
  vial?: string;
  result: 'negative' | 'positive' | 'invalid';
  readAt: number;
  incubationMin: number;
  control?: boolean;
  caution?: string;
  /** BI product and the reader's start of incubation (ms), when known (bi-reader driver). */
  product?: string;
  startedAt?: number;
}
/** A BI vial placed in a reader well: incubation started (bi-reader driver). `startedAt` is the reader's clock. */
export interface BiStartEvent {
  kind: 'bi-start';
  deviceId: string;
  ts: number;
  well: string;
  lot: string;
  startedAt: number;
  /** BI product as the reader names it, e.g. `1492V`. */
  product?: string;
  /** Reader program name, e.g. `SUPER-RAPID`, `1H`. */
  program?: string;
  /** Minutes until the final readout. */
  readoutMin?: number;
  /** Vial serial, when the reader reads or is told one. */
  vial?: string;
  /** The vial is a positive control (unprocessed). */
  control?: boolean;
}
/** A reader caution for one well, e.g. `C2` early removal (bi-reader driver). `at` is the reader's clock. */
export interface BiCautionEvent {
  kind: 'bi-caution';
  deviceId: string;
  ts: number;
  well: string;
  code: string;
  text: string;
  at: number;
  lot?: string;
  vial?: string;
}
export interface LinkEvent {
  kind: 'link';
  deviceId: string;
  ts: number;
  connected: boolean;
  error?: string;
}
export interface ParseErrorEvent {
  kind: 'parse-error';
  deviceId: string;
  ts: number;
  raw: string;
  reason: string;
}
/** The raw device text, line by line, kept with the cycle record. */
export interface RawLineEvent {
  kind: 'raw';
  deviceId: string;
  ts: number;
  line: string;
}

export type DeviceEvent =
  | SampleEvent
  | CycleStartEvent
  | PhaseEvent
  | CycleEndEvent
  | AlarmEvent
  | ScanEvent
  | BiResultEvent
  | LinkEvent
  | ParseErrorEvent
  | RawLineEvent
  | BiStartEvent
  | BiCautionEvent
  | SummaryEvent;

/** Truncate raw device text before it goes into an event or a log line. */
export function truncateRaw(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(+${s.length - max})`;
}

/** A parse-error event for `raw` (truncated). */
export function parseErrorEvent(deviceId: string, ts: number, reason: string, raw: string): ParseErrorEvent {
  return { kind: 'parse-error', deviceId, ts, raw: truncateRaw(raw), reason };
}
