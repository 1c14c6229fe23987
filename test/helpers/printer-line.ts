// Shared by the printer-line profile tests: feed lines or bytes through the pure parser, pick events.
import { readFileSync } from 'node:fs';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { initialParserState, parsePrinterLine, printerParserTick, type PrinterLineProfile, type PrinterParserContext, type PrinterParserState } from '../../drivers/printer-line/index.js';
import { LineFramer } from '../../drivers/transport/line-framer.js';

export type Of<K extends DeviceEvent['kind']> = Extract<DeviceEvent, { kind: K }>;
export const ofKind = <K extends DeviceEvent['kind']>(events: readonly DeviceEvent[], kind: K): Of<K>[] =>
  events.filter((e): e is Of<K> => e.kind === kind);

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
export function feedLines(profile: PrinterLineProfile, lines: readonly string[], recv0: number, stepMs = 1000, extra: Partial<PrinterParserContext> = {}): Feeder {
  const f = feeder(profile, extra);
  lines.forEach((l, i) => f.line(l, recv0 + i * stepMs));
  return f;
}
