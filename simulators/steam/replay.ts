// Replay of a recorded steam trace (docs/verification.md: `t_s,temp_c,pressure_kpa,phase[,temp2_c]`) as the same
// sample stream the physics model produces, so any front-end (printer ticket, Modbus) can play it back.
// A small reader of its own: simulators may import nothing from gateway/ but the steam table.
// The ticket has one temperature column, so `temp2_c` is read and validated but not replayed.

import { readFile } from 'node:fs/promises';
import { type CycleSample, STEAM_CYCLE_PHASES, type SteamCycle, type SteamCyclePhase } from './cycle.js';

const REQUIRED = ['t_s', 'temp_c', 'pressure_kpa', 'phase'] as const;

function isSteamPhase(x: string): x is SteamCyclePhase {
  return (STEAM_CYCLE_PHASES as readonly string[]).includes(x);
}

function num(raw: string | undefined, what: string, where: string): number {
  const v = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v)) throw new Error(`${where}: ${what} must be a number, got '${raw ?? ''}'`);
  return v;
}

/** Parses trace CSV text into a cycle. Throws an Error naming the line for anything it cannot replay. */
export function parseTraceCsv(text: string, programId = 'replay', source = 'trace'): SteamCycle {
  const rows = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  // `#` lines are comments (docs/verification.md: `db export --format csv` begins each trace with some).
  const isComment = (row: string): boolean => row.trimStart().startsWith('#');
  const headerAt = rows.findIndex((r) => r.trim() !== '' && !isComment(r));
  const header = (rows[headerAt] ?? '').split(',').map((h) => h.trim());
  const col = Object.fromEntries(header.map((h, i) => [h, i] as const));
  for (const name of REQUIRED) {
    if (col[name] === undefined) throw new Error(`${source}: header must have ${REQUIRED.join(',')}[,temp2_c][,result], got '${rows[headerAt] ?? ''}'`);
  }
  const at = (cells: string[], name: string): string | undefined => {
    const i = col[name];
    return i === undefined ? undefined : cells[i];
  };
  const samples: CycleSample[] = [];
  for (let i = headerAt + 1; i < rows.length; i++) {
    const row = rows[i] ?? '';
    if (row.trim() === '' || isComment(row)) continue;
    const where = `${source} line ${i + 1}`;
    const cells = row.split(',').map((c) => c.trim());
    const t = num(at(cells, 't_s'), 't_s', where);
    const temp = num(at(cells, 'temp_c'), 'temp_c', where);
    const rawP = at(cells, 'pressure_kpa');
    if (rawP === undefined || rawP === '')
      throw new Error(`${where}: pressure_kpa is empty; only steam traces (with chamber pressure) can be replayed on an autoclave`);
    const pressure = num(rawP, 'pressure_kpa', where);
    const phase = at(cells, 'phase') ?? '';
    if (!isSteamPhase(phase)) throw new Error(`${where}: phase '${phase}' is not a steam phase (${STEAM_CYCLE_PHASES.join(', ')})`);
    const t2 = at(cells, 'temp2_c');
    if (t2 !== undefined && t2 !== '') num(t2, 'temp2_c', where);
    const prev = samples[samples.length - 1];
    if (t < 0 || (prev && t < prev.t)) throw new Error(`${where}: t_s must be >= 0 and non-decreasing, got ${t} after ${prev?.t ?? 0}`);
    samples.push({ t, temp_c: temp, pressure_kpa: pressure, phase });
  }
  const last = samples[samples.length - 1];
  if (!last) throw new Error(`${source}: no samples`);
  return {
    programId,
    samples,
    alarms: [],
    result: samples.some((s) => s.phase === 'fault') ? 'aborted' : 'ok',
    durationS: Math.floor(last.t) + 1,
  };
}

export async function readTraceFile(path: string, programId?: string): Promise<SteamCycle> {
  return parseTraceCsv(await readFile(path, 'utf8'), programId, path);
}
