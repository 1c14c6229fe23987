// The default Modbus map (docs/devices.md) from the device side: a machine state -> the 14 input registers
// the simulators serve (phase code, cycle number, program, temperatures °C × 100 with −32768/32767
// sentinels, pressures kPa × 10, F0/A0, alarm, result, clock). The driver's decoder reads the same
// contract (drivers/modbus/register-map.ts); a test decodes these images with it.

import { IDLE_PHASE_CODE, STEAM_PHASE_CODES, WASHER_PHASE_CODES } from '../../vocabulary/phases.js';

export type MachineKind = 'autoclave' | 'washer';

export const REGISTER_COUNT = 14;
export const TEMP_OPEN = -32768;
export const TEMP_SHORT = 32767;

export const RESULT_CODES = { running: 0, ok: 1, failed: 2, aborted: 3 } as const;

/** Phase register value of a canonical phase on this kind of machine; 0 is idle. */
export function phaseCode(kind: MachineKind, phase: string | 'idle'): number {
  if (phase === 'idle') return IDLE_PHASE_CODE;
  const codes: Readonly<Record<string, number>> = kind === 'washer' ? WASHER_PHASE_CODES : STEAM_PHASE_CODES;
  const code = Object.hasOwn(codes, phase) ? codes[phase] : undefined;
  if (code === undefined) throw new Error(`a simulated ${kind} has no phase '${phase}'`);
  return code;
}

export interface MachineState {
  phaseCode: number;
  cycleNo: number;
  programNo: number;
  /** °C; null = sensor absent or open. */
  tempC: number | null;
  temp2C: number | null;
  /** kPa absolute; null = no sensor (served as 0). */
  pressureKpa: number | null;
  jacketKpa: number | null;
  /** Register 8 as the device computes it (A0 in s, or F0 in min × 10). */
  lethality: number;
  alarmCode: number;
  resultCode: number;
  /** Device clock, ms since the epoch. */
  clockMs: number;
}

const u16 = (x: number): number => Math.min(0xffff, Math.max(0, Math.round(x)));

/** °C -> int16 × 100 as an unsigned register word; out of range is clamped short of the sentinels. */
function tempWord(c: number | null): number {
  const raw = c === null || !Number.isFinite(c) ? TEMP_OPEN : Math.min(TEMP_SHORT - 1, Math.max(TEMP_OPEN + 1, Math.round(c * 100)));
  return raw & 0xffff;
}

export function encodeMachineState(s: MachineState): number[] {
  const clockS = Math.floor(s.clockMs / 1000);
  return [
    u16(s.phaseCode),
    (s.cycleNo >>> 16) & 0xffff,
    s.cycleNo & 0xffff,
    u16(s.programNo),
    tempWord(s.tempC),
    tempWord(s.temp2C),
    s.pressureKpa === null ? 0 : u16(s.pressureKpa * 10),
    s.jacketKpa === null ? 0 : u16(s.jacketKpa * 10),
    u16(s.lethality),
    u16(s.alarmCode),
    u16(s.resultCode),
    (clockS >>> 16) & 0xffff,
    clockS & 0xffff,
    u16(s.clockMs - clockS * 1000),
  ];
}
