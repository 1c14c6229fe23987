// Shared by the printer-line profile tests: feed lines or bytes through the pure parser, pick events.
import { readFileSync } from 'node:fs';
import {
  initialParserState,
  type PrinterLineProfile,
  type PrinterParserContext,
  type PrinterParserState,
  parsePrinterLine,
  printerParserTick,
} from '../../drivers/printer-line/index.js';
import { LineFramer } from '../../drivers/transport/line-framer.js';
import type { CycleTrace, TraceSample } from '../../gateway/verify/index.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';

export type Of<K extends DeviceEvent['kind']> = Extract<DeviceEvent, { kind: K }>;
export const ofKind = <K extends DeviceEvent['kind']>(events: readonly DeviceEvent[], kind: K): Of<K>[] => events.filter((e): e is Of<K> => e.kind === kind);

export const fixtureBytes = (name: string): Buffer => readFileSync(new URL(`../fixtures/printer-line/${name}`, import.meta.url));

/** The fixture's lines as the driver's framer gives them, decoded with `encoding`. */
export function fixtureLines(name: string, encoding = 'utf-8'): string[] {
  const framer = new LineFramer({ encoding });
  return [...framer.push(fixtureBytes(name)), ...framer.flush()].flatMap((i) => (i.kind === 'line' ? [i.text] : []));
}

export interface Feeder {
  events: DeviceEvent[];
  state: PrinterParserState;
  /** Parse one line received at `recvTs`. */
  line(text: string, recvTs: number): DeviceEvent[];
  /** The driver's clock tick at `now`. */
  tick(now: number): DeviceEvent[];
}

export function feeder(profile: PrinterLineProfile, extra: Partial<PrinterParserContext> = {}, state = initialParserState()): Feeder {
  const ctx = (recvTs: number): PrinterParserContext => ({ deviceId: 'AC-01', recvTs, atmosphericKpa: 101.325, profile, tzOffsetMinutes: 60, ...extra });
  const f: Feeder = {
    events: [],
    state,
    line(text, recvTs) {
      const r = parsePrinterLine(f.state, text, ctx(recvTs));
      f.state = r.state;
      f.events.push(...r.events);
      return r.events;
    },
    tick(now) {
      const r = printerParserTick(f.state, ctx(now));
      f.state = r.state;
      f.events.push(...r.events);
      return r.events;
    },
  };
  return f;
}

/** Feed `lines` one per `stepMs` from `recv0`; returns the feeder. */
export function feedLines(
  profile: PrinterLineProfile,
  lines: readonly string[],
  recv0: number,
  stepMs = 1000,
  extra: Partial<PrinterParserContext> = {},
): Feeder {
  const f = feeder(profile, extra);
  lines.forEach((l, i) => f.line(l, recv0 + i * stepMs));
  return f;
}

export interface ParsedTicket {
  events: DeviceEvent[];
  /** The samples between cycle-start and cycle-end as the verifier reads them, t from the first sample. */
  trace: CycleTrace;
}

/** Feeds ticket lines through the gateway's printer-line parser and turns the first cycle into a trace (as the verifier reads it). */
export function parseTicketLines(lines: readonly string[], profile: PrinterLineProfile, recv0 = Date.now()): ParsedTicket {
  let state = initialParserState();
  const events: DeviceEvent[] = [];
  lines.forEach((line, i) => {
    const r = parsePrinterLine(state, line, { deviceId: 'WD-01', recvTs: recv0 + i, atmosphericKpa: 101.325, profile });
    state = r.state;
    events.push(...r.events);
  });
  const samples: TraceSample[] = [];
  let t0: number | undefined;
  let deviceResult: CycleTrace['deviceResult'];
  for (const e of events) {
    if (e.kind === 'sample') {
      t0 ??= e.ts;
      samples.push({
        t: (e.ts - t0) / 1000,
        temp_c: e.temp_c,
        ...(e.temp2_c !== undefined && { temp2_c: e.temp2_c }),
        ...(e.pressure_kpa !== undefined && { pressure_kpa: e.pressure_kpa }),
        ...(e.phase !== undefined && { phase: e.phase }),
      });
    } else if (e.kind === 'cycle-end') {
      deviceResult = e.status;
      break;
    }
  }
  return { events, trace: { samples, ...(deviceResult !== undefined && { deviceResult }) } };
}
