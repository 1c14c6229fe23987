// What the `simulate` and `demo` verbs need from simulators/. The CLI entry passes the real module in;
// gateway/ itself never imports simulators/ (DESIGN §2).

export interface AutoclaveRunOptions {
  serial?: string;
  baudRate?: number;
  tcpPort?: number;
  tcpHost?: string;
  program: string;
  speed: number;
  cycles: number;
  fault?: string;
  replay?: string;
  name?: string;
  seed?: number;
  pauseBetweenS?: number;
  firstCycleNo?: number;
  atmosphericKpa?: number;
  /** The printer-line format to speak (AUTOCLAVE_SIM_PROFILES); default prevac-ticket. */
  profile?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  onReady?: (info: { tcpPort?: number; outputs: string[] }) => void;
  waitForClient?: boolean;
}

export type WasherRunOptions = Omit<AutoclaveRunOptions, 'replay' | 'atmosphericKpa' | 'onReady' | 'profile'> & {
  onReady?: (info: { tcpPort?: number; outputs: string[] }) => void | Promise<void>;
};

export interface SimulatorKit extends DeviceSimulatorKit {
  runAutoclaveSimulator(opts: AutoclaveRunOptions): Promise<void>;
  AUTOCLAVE_FAULTS: readonly string[];
  AUTOCLAVE_PROGRAMS: readonly string[];
  runWasherSimulator(opts: WasherRunOptions): Promise<void>;
  WASHER_FAULTS: readonly string[];
  WASHER_PROGRAMS: readonly string[];
}

export interface BiPlaceOptions { result?: 'negative' | 'positive' | 'invalid'; control?: boolean; product?: string; removeEarly?: boolean }
export interface BiReaderHandle {
  placeVial(well: number | string, lot: string, vial?: string, opts?: BiPlaceOptions): { resultDueAt: number };
  freeWell(): string | undefined;
}
export interface BiReaderRunOptions {
  serial?: string; baudRate?: number; tcpPort?: number; tcpHost?: string; speed: number; incubationMin?: number;
  script?: readonly never[]; rounds?: number; keepRunning?: boolean; readerId?: string; garbage?: boolean; seed?: number;
  log?: (line: string) => void; signal?: AbortSignal; waitForClient?: boolean;
  onReady?: (info: { tcpPort?: number; outputs: string[]; reader: BiReaderHandle }) => void | Promise<void>;
}
export interface ScannerHandle { scan(code: string): void }
export interface ScannerRunOptions {
  serial?: string; baudRate?: number; tcpPort?: number; tcpHost?: string;
  keyboardWedge?: { path: string; layout?: 16 | 24; gs?: 'ctrl' | 'alt' | { fkey: string } };
  codes?: readonly string[]; script?: string; intervalMs?: number; terminator?: 'cr' | 'lf' | 'crlf' | 'tab';
  rounds?: number; keepRunning?: boolean; log?: (line: string) => void; signal?: AbortSignal; waitForClient?: boolean;
  onReady?: (info: { tcpPort?: number; outputs: string[]; scanner: ScannerHandle }) => void | Promise<void>;
}
export interface ModbusRunOptions {
  kind: 'autoclave' | 'washer';
  modbusTcpPort?: number;
  modbusRtuPath?: string;
  modbusRtuOverTcpPort?: number;
  baudRate?: number;
  unitId?: number;
  program: string;
  speed: number;
  cycles: number;
  fault?: string;
  seed?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  onReady?: (info: { tcpPort?: number; rtuOverTcpPort?: number; endpoints: string[] }) => void;
}

export interface DeviceSimulatorKit {
  runModbusSimulator(opts: ModbusRunOptions): Promise<void>;
  runBiReaderSimulator(opts: BiReaderRunOptions): Promise<void>;
  runScannerSimulator(opts: ScannerRunOptions): Promise<void>;
}
