// What the CLI entry (`simulate`, `demo`) takes from the simulators.
export {
  AUTOCLAVE_FAULTS,
  AUTOCLAVE_PROGRAM_NUMBERS,
  AUTOCLAVE_PROGRAMS,
  AUTOCLAVE_SIM_PROFILES,
  type AutoclaveSimulatorOptions,
  runAutoclaveSimulator,
} from './autoclave-simulator.js';
export { type BiReaderControl, type BiReaderSimulatorOptions, DEFAULT_BI_SCRIPT, runBiReaderSimulator } from './bi-reader-simulator.js';
export { type ModbusSimulatorOptions, runModbusSimulator } from './modbus-machine.js';
export { DEFAULT_SCAN_CODES, runScannerSimulator, type ScannerControl, type ScannerSimulatorOptions } from './scanner-simulator.js';
export { runWasherSimulator, WASHER_FAULTS, WASHER_PROGRAM_NUMBERS, WASHER_PROGRAMS, type WasherSimulatorOptions } from './washer-simulator.js';
