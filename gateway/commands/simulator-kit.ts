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
  log?: (line: string) => void;
  signal?: AbortSignal;
  onReady?: (info: { tcpPort?: number; outputs: string[] }) => void;
  waitForClient?: boolean;
}

export type WasherRunOptions = Omit<AutoclaveRunOptions, 'replay' | 'atmosphericKpa' | 'onReady'> & {
  onReady?: (info: { tcpPort?: number; outputs: string[] }) => void | Promise<void>;
};

export interface SimulatorKit {
  runAutoclaveSimulator(opts: AutoclaveRunOptions): Promise<void>;
  AUTOCLAVE_FAULTS: readonly string[];
  AUTOCLAVE_PROGRAMS: readonly string[];
  runWasherSimulator(opts: WasherRunOptions): Promise<void>;
  WASHER_FAULTS: readonly string[];
  WASHER_PROGRAMS: readonly string[];
}
