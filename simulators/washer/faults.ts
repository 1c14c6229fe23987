// Fault injection for the simulated washer-disinfector: names and what each does. Every fault except
// `abort` leaves the machine's own RESULT at CYCLE OK: the simulated controller does not notice (a drifted
// control sensor, a timer set wrong, a mixing valve stuck hot, a lost stretch of printout), and catching it
// is the gateway's independent verification. All of them are model faults: they change the cycle, so every
// front-end (ticket, Modbus) shows them.

export const WASHER_FAULTS = ['low-disinfect-temp', 'short-disinfect', 'hot-prewash', 'dropout', 'abort'] as const;
export type WasherFault = (typeof WASHER_FAULTS)[number];

export const WASHER_FAULT_DESCRIPTIONS: Readonly<Record<WasherFault, string>> = {
  'low-disinfect-temp': 'disinfection plateau at ~85 °C, below the 90 °C band: A0 misses the minimum too (a0, disinfect_temp and disinfect_time fail)',
  'short-disinfect': 'disinfection hold 30 % of the program minimum: A0 misses the minimum too (a0 and disinfect_time fail)',
  'hot-prewash': 'prewash water at ~50 °C, at or above the 45 °C protein-coagulation limit (prewash_temp fails)',
  dropout: 'no output for 20 simulated seconds mid-hold (data_complete fails; the hold is split at the gap)',
  abort: 'circulation pump lost mid-hold: ALARM E41: CIRCULATION PUMP, FAULT phase, RESULT: CYCLE ABORTED (device_result fails)',
};

export function isWasherFault(x: string): x is WasherFault {
  return (WASHER_FAULTS as readonly string[]).includes(x);
}

/** Validates a fault name; `none` and '' mean no fault. Throws an Error naming the valid choices. */
export function checkWasherFault(name: string | undefined): WasherFault | undefined {
  if (name === undefined || name === '' || name === 'none') return undefined;
  if (!isWasherFault(name)) throw new Error(`unknown washer fault '${name}'; valid faults: ${WASHER_FAULTS.join(', ')}`);
  return name;
}
