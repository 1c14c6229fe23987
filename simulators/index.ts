// What the CLI entry (`simulate`, `demo`) takes from the simulators.
export { runAutoclaveSimulator, AUTOCLAVE_FAULTS, AUTOCLAVE_PROGRAMS, AUTOCLAVE_PROGRAM_NUMBERS, type AutoclaveSimulatorOptions } from './autoclave-simulator.js';
