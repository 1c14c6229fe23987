// Renders a steam cycle as the AMSCO LS-style 1 Hz data string (`amsco-ls`, `amsco-ls-metric`;
// docs/devices.md): one line per simulated second, no header and no result, the `S` flag during the
// sterilize phase. Pure: no clock, no I/O.
//
//   - 10:41:58 AM  -27.1  98.4 271.6  96.2  97.9  95.0 120.3  70.1
//   flag, time (12 h with AM/PM, or 24 h with spaces there), pressure, then the temperatures Chamber,
//   Jacket, Waste, Load 1, Air Detector, Filter, Reference.
//
// Imperial: °F, psig above atmosphere and inches of mercury (negative) below it; metric: °C, kPa gauge.
// The model gives the chamber (drain) temperature and pressure; the other channels are derived so a
// correct cycle looks like one: the jacket held a little above the set point, the load probe lagging the
// chamber (τ = 6 s), the air detector reading colder where the chamber is colder than T_sat(p) (air).

import { tsatC } from '../../gateway/verify/steam-table.js';
import { fixed1, pad2 } from '../shared/ticket-text.js';
import type { SteamCycle } from './cycle.js';
import { steamProgram } from './programs.js';
import { DEFAULT_ATMOSPHERIC_KPA, type TicketHeader, type TicketLine } from './ticket-writer.js';

export type AmscoUnits = 'imperial' | 'metric';
export type AmscoClock = '12h' | '24h';

export interface AmscoStreamOptions {
  units?: AmscoUnits;
  clock?: AmscoClock;
  atmosphericKpa?: number;
}

const PSI_KPA = 6.894757293168;
const INHG_KPA = 3.386388640341;
const LOAD_TAU_S = 6;
const REFERENCE_C = 21.2;

const f = (c: number): number => (c * 9) / 5 + 32;

/** `10:41:58 AM` / ` 9:05:00 PM` (12 h) or `14:41:58   ` (24 h: spaces where AM/PM would be). */
export function formatAmscoClock(ms: number, clock: AmscoClock): string {
  const d = new Date(ms);
  const h = d.getHours();
  const mmss = `${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  if (clock === '24h') return `${pad2(h)}:${mmss}   `;
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${String(h12).padStart(2, ' ')}:${mmss} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Chamber pressure as the LS prints it: psig, or negative inHg of vacuum; metric: kPa gauge. */
export function formatAmscoPressure(kpaAbs: number, units: AmscoUnits, atmosphericKpa = DEFAULT_ATMOSPHERIC_KPA): string {
  const gauge = kpaAbs - atmosphericKpa;
  if (units === 'metric') return fixed1(gauge);
  return fixed1(gauge >= 0 ? gauge / PSI_KPA : gauge / INHG_KPA);
}

export interface AmscoChannels {
  chamber: number;
  jacket: number;
  waste: number;
  load1: number;
  airDetector: number;
  filter: number;
  reference: number;
}

export function formatAmscoLine(clockMs: number, sterilizing: boolean, kpaAbs: number, ch: AmscoChannels, opts: Required<AmscoStreamOptions>): string {
  const temp = (c: number): string => fixed1(opts.units === 'metric' ? c : f(c)).padStart(6);
  const temps = [ch.chamber, ch.jacket, ch.waste, ch.load1, ch.airDetector, ch.filter, ch.reference].map(temp).join('');
  return `${sterilizing ? 'S' : '-'} ${formatAmscoClock(clockMs, opts.clock)}${formatAmscoPressure(kpaAbs, opts.units, opts.atmosphericKpa).padStart(7)}${temps}`;
}

/** The stream of one cycle: a line per sample, at the sample's time. */
export function renderAmscoStream(header: TicketHeader, cycle: SteamCycle, options: AmscoStreamOptions = {}): TicketLine[] {
  const opts: Required<AmscoStreamOptions> = { units: 'imperial', clock: '12h', atmosphericKpa: DEFAULT_ATMOSPHERIC_KPA, ...options };
  const program = knownSetTemp(cycle.programId);
  const jacket = (program ?? 134) + 1.2;
  const lines: TicketLine[] = [];
  let load: number | undefined;
  let lastT: number | undefined;
  for (const s of cycle.samples) {
    const dt = lastT === undefined ? 1 : s.t - lastT;
    load = load === undefined ? s.temp_c - 1.5 : load + (s.temp_c - load) * (1 - Math.exp(-dt / LOAD_TAU_S));
    lastT = s.t;
    const subcool = Math.max(0, tsatC(s.pressure_kpa) - s.temp_c - 0.5);
    const channels: AmscoChannels = {
      chamber: s.temp_c,
      jacket,
      waste: s.temp_c - 0.4,
      load1: load,
      airDetector: s.temp_c - 0.3 - (s.phase === 'sterilizing' ? 1.5 * (Number.isFinite(subcool) ? subcool : 0) : 0),
      filter: Math.max(REFERENCE_C, s.temp_c - 2.8),
      reference: REFERENCE_C,
    };
    lines.push({ t: s.t, text: formatAmscoLine(header.startMs + s.t * 1000, s.phase === 'sterilizing', s.pressure_kpa, channels, opts) });
  }
  return lines;
}

function knownSetTemp(programId: string): number | undefined {
  try {
    return steamProgram(programId).setTempC ?? undefined;
  } catch {
    return undefined;
  }
}
