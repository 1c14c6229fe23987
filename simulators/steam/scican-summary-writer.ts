// Renders a steam cycle as a SciCan STATCLAVE-style summary ticket (`scican-summary`, docs/devices.md):
// printed whole when the cycle ends, with no samples: the machine's min/max over its sterilize phase,
// the elapsed times of its phases, a trailer with a digital signature. Pure: no clock, no I/O.
// What such a ticket can show of the faults: short-hold (phase times), air and superheat (min/max
// pressure vs temperature), overshoot (max), abort (the fault and ABORTED lines); dropout it cannot.

import { createHash } from 'node:crypto';
import { formatMinSec, pad2 } from '../shared/ticket-text.js';
import type { SteamCycle } from './cycle.js';
import { plateauSummary } from './plateau-summary.js';
import { steamProgram } from './programs.js';
import type { TicketHeader, TicketLine } from './ticket-writer.js';

export const SCICAN_MODEL_LINE = 'STATCLAVE G4 SBS1R118';

/** ` 9:54:52  14/03/2025`: start time (hour space-padded) and the date day first. */
export function formatScicanStart(ms: number): string {
  const d = new Date(ms);
  const time = `${String(d.getHours()).padStart(2, ' ')}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${time}  ${pad2(d.getDate())}/${pad2(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** Cycle type and program lines for the simulator's programs (steam/programs.ts). */
export function scicanProgramLines(programId: string): string[] {
  let program;
  try {
    program = steamProgram(programId);
  } catch {
    return ['Solid/Wrapped'];
  }
  if (program.kind === 'leak-test') return ['Vacuum Test'];
  const minutes = String(program.minHoldS / 60);
  const type = program.kind === 'bowie-dick' ? 'Air Removal Test' : 'Solid/Wrapped';
  return [type, `${program.setTempC} C/${minutes}min`];
}

const event = (label: string, atS: number): string => `${label.padEnd(15)}${formatMinSec(atS)}`;

export function renderScicanSummary(header: TicketHeader, cycle: SteamCycle): TicketLine[] {
  const first = cycle.samples[0];
  const last = cycle.samples[cycle.samples.length - 1];
  const t0 = first?.t ?? 0;
  const tEnd = last?.t ?? t0;
  const body: string[] = [
    SCICAN_MODEL_LINE,
    `SN ${header.sterilizer}`,
    'Unit #  :        000',
    '1.2uS / 0.7ppm',
    `CYCLE NUMBER  ${String(header.cycleNo).padStart(6, '0')}`,
    ` ${formatScicanStart(header.startMs + t0 * 1000)}`,
    ...scicanProgramLines(cycle.programId),
  ];
  const summary = plateauSummary(cycle);
  if (summary) {
    body.push('Min. steri. Values:', ` ${summary.minTempC.toFixed(1)} C  ${Math.round(summary.minPressureKpa)}kPa`);
    body.push('Max. steri. Values:', ` ${summary.maxTempC.toFixed(1)} C  ${Math.round(summary.maxPressureKpa)}kPa`);
  }
  const firstOf = (phase: string): number | undefined => cycle.samples.find((s) => s.phase === phase)?.t;
  const sterilizing = firstOf('sterilizing');
  if (sterilizing !== undefined) body.push(event('STERILIZING', sterilizing - t0));
  if (cycle.result === 'aborted') {
    const alarm = cycle.alarms[0];
    const at = alarm?.t ?? tEnd;
    body.push(`CYCLE FAULT ${alarm ? `CF${alarm.code.replace(/\D/g, '')} ${alarm.text}` : 'CF00'}`);
    body.push(event('CYCLE ABORTED', at - t0));
  } else {
    const drying = firstOf('drying');
    const aeration = firstOf('aeration');
    if (drying !== undefined) body.push(event('DRYING START', drying - t0));
    if (drying !== undefined && aeration !== undefined) body.push(event('DRYING END', aeration - t0));
    body.push(event('CYCLE COMPLETE', cycle.durationS - t0));
  }
  const signature = createHash('sha256').update(body.join('\n')).digest('hex').slice(0, 12).toUpperCase();
  return [...body, 'Digital Signature #', signature].map((text) => ({ t: tEnd, text }));
}
