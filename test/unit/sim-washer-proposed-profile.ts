// The default printer-line profile (`prevac-ticket`) with the additions the washer ticket needs, exactly as
// proposed to the printer-line owner (simulators/washer/README.md, "Ticket"): every change is additive, a
// sterilizer ticket parses to the same events (sim-washer-ticket.test.ts checks that). Once
// drivers/printer-line/profiles/prevac-ticket.ts carries them, the washer tests should use
// DEFAULT_PRINTER_PROFILE instead of this object, and this file goes.
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';
import { initialParserState, parsePrinterLine, PREVAC_TICKET, type PrinterLineProfile } from '../../drivers/printer-line/index.js';
import type { CycleTrace, TraceSample } from '../../gateway/verify/index.js';

const LABEL = String.raw`[A-Z][A-Z0-9]*(?: [A-Z0-9]+)*`;
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;

export const PROPOSED_PROFILE_CHANGES = {
  /** `STERILIZER` -> `(?:STERILIZER|WASHER)`; the machine name stays in the `sterilizer` group (info key unchanged). */
  ticketStart: String.raw`^=+ (?:STERILIZER|WASHER) (?<sterilizer>\S+)\s+PROG (?<programNo>\d+):\s*(?<programText>.*?)\s*=+$`,
  /** Pressure may be `-` (not measured: no pressure_kpa), and an optional fifth column is the load probe. */
  sample: String.raw`^(?<hh>\d{2}):(?<mm>\d{2}):(?<ss>\d{2})\s{2,}(?<label>${LABEL})?\s+(?<temp>${NUMBER})\s+(?:(?<pressure>${NUMBER})|-)(?:\s+(?<temp2>${NUMBER}))?\s*$`,
  /** Appended to `ignore`: the washer's own summary. */
  ignore: [String.raw`^DISINF TEMP MIN/MAX`, String.raw`^DISINF TIME`],
  /** Added to `phaseMap` (DRYING, END and FAULT are shared with steam). */
  phaseMap: { PREWASH: 'prewash', WASH: 'wash', NEUTRALIZE: 'neutralize', RINSE: 'rinse', DISINFECT: 'disinfect' } as Record<string, Phase>,
};

export const PROPOSED_PREVAC_TICKET: PrinterLineProfile = {
  ...PREVAC_TICKET,
  description: 'Generic pre-vacuum steam sterilizer and washer-disinfector ticket, pressures in kPa gauge (docs/devices.md)',
  ticketStart: PROPOSED_PROFILE_CHANGES.ticketStart,
  sample: PROPOSED_PROFILE_CHANGES.sample,
  ignore: [...PREVAC_TICKET.ignore, ...PROPOSED_PROFILE_CHANGES.ignore],
  phaseMap: { ...PREVAC_TICKET.phaseMap, ...PROPOSED_PROFILE_CHANGES.phaseMap },
};

export interface ParsedTicket {
  events: DeviceEvent[];
  /** The samples between cycle-start and cycle-end as the verifier reads them, t from the first sample. */
  trace: CycleTrace;
}

/** Feeds ticket lines through the gateway's printer-line parser and turns the first cycle into a trace. */
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
