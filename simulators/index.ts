// What the CLI entry (`simulate`, `demo`) takes from the simulators.
export {
  runAutoclaveSimulator, AUTOCLAVE_FAULTS, AUTOCLAVE_PROGRAMS, AUTOCLAVE_PROGRAM_NUMBERS, AUTOCLAVE_SIM_PROFILES, type AutoclaveSimulatorOptions,
} from './autoclave-simulator.js';
export { runWasherSimulator, WASHER_FAULTS, WASHER_PROGRAMS, WASHER_PROGRAM_NUMBERS, type WasherSimulatorOptions } from './washer-simulator.js';
export { runBiReaderSimulator, DEFAULT_BI_SCRIPT, type BiReaderControl, type BiReaderSimulatorOptions } from './bi-reader-simulator.js';
export { runScannerSimulator, DEFAULT_SCAN_CODES, type ScannerControl, type ScannerSimulatorOptions } from './scanner-simulator.js';
export { runModbusSimulator, type ModbusSimulatorOptions } from './modbus-machine.js';
