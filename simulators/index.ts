// What the CLI entry (`simulate`, `demo`) takes from the simulators.
export { runAutoclaveSimulator, AUTOCLAVE_FAULTS, AUTOCLAVE_PROGRAMS, AUTOCLAVE_PROGRAM_NUMBERS, type AutoclaveSimulatorOptions } from './autoclave-simulator.js';
export { runWasherSimulator, WASHER_FAULTS, WASHER_PROGRAMS, WASHER_PROGRAM_NUMBERS, type WasherSimulatorOptions } from './washer-simulator.js';
