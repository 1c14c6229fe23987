// The phase names every device family is mapped to (docs/architecture.md, "The shared vocabulary"), and
// the phase register codes of the default Modbus map (drivers/modbus/README.md), which the Modbus driver
// reads and the Modbus simulator serves. One list: drivers, the verifier, the trace format and the
// simulators all take their phases from here.

export const STEAM_PHASES = ['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying', 'aeration', 'complete', 'fault'] as const;
export const WASHER_PHASES = ['prewash', 'wash', 'neutralize', 'rinse', 'disinfect', 'drying', 'complete', 'fault'] as const;
/** Test cycles add these to the steam phases (air-leakage test); a Bowie–Dick test uses the steam phases. */
export const TEST_PHASES = ['leak-stabilize', 'leak-measure'] as const;
export type SteamPhase = (typeof STEAM_PHASES)[number];
export type WasherPhase = (typeof WASHER_PHASES)[number];
export type TestPhase = (typeof TEST_PHASES)[number];
export type Phase = SteamPhase | WasherPhase | TestPhase;
export const ALL_PHASES: readonly Phase[] = [...new Set<Phase>([...STEAM_PHASES, ...WASHER_PHASES, ...TEST_PHASES])];
export function isPhase(x: unknown): x is Phase {
  return typeof x === 'string' && (ALL_PHASES as readonly string[]).includes(x);
}

/** What a machine's phase register says between cycles. */
export type DevicePhase = Phase | 'idle';

/** Phase register value (default Modbus map, register 0) of each phase of a steam sterilizer, test phases included. */
export const STEAM_PHASE_CODES: Readonly<Record<SteamPhase | TestPhase, number>> = Object.freeze({
  conditioning: 1,
  heating: 2,
  sterilizing: 3,
  exhaust: 4,
  drying: 5,
  aeration: 6,
  complete: 7,
  fault: 8,
  'leak-stabilize': 20,
  'leak-measure': 21,
});
/** Phase register value of each phase of a washer-disinfector. */
export const WASHER_PHASE_CODES: Readonly<Record<WasherPhase, number>> = Object.freeze({
  prewash: 10,
  wash: 11,
  neutralize: 12,
  rinse: 13,
  disinfect: 14,
  drying: 15,
  complete: 16,
  fault: 17,
});
/** The phase register value of a machine between cycles. */
export const IDLE_PHASE_CODE = 0;

/** Phase register value -> phase, for sterilizers and washers alike (the codes do not overlap). */
export const PHASE_OF_CODE: Readonly<Record<number, DevicePhase>> = Object.freeze(
  Object.fromEntries([
    [IDLE_PHASE_CODE, 'idle'],
    ...Object.entries(STEAM_PHASE_CODES).map(([phase, code]) => [code, phase]),
    ...Object.entries(WASHER_PHASE_CODES).map(([phase, code]) => [code, phase]),
  ]) as Record<number, DevicePhase>,
);
