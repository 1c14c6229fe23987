// The outputs of a printer-port simulator as one unit: a serial port/PTY and/or a TCP "serial device
// server", validated, opened, written, flushed and closed together, with the drop policy of byte-output.ts.

import type { ByteOutput, OutputLog } from './byte-output.js';
import { createSerialOutput } from './serial-output.js';
import { createTcpOutput, type TcpOutput } from './tcp-output.js';

/** How long the end of a run waits for the last bytes to leave (a PTY nobody reads never drains). */
export const FLUSH_TIMEOUT_MS = 5000;

export interface LineOutputTargets {
  /** Serial device or PTY path. */
  serial?: string;
  /** Default 9600. */
  baudRate?: number;
  /** TCP port to serve (0: any free port, read `tcpPort` after `start()`). */
  tcpPort?: number;
  /** Default 127.0.0.1. */
  tcpHost?: string;
}

/** How a simulator writing line outputs runs: where to, its log, its stop, when it is ready, whether it waits for a client. */
export interface LineRunOptions<Ready extends object = object> extends LineOutputTargets {
  log?: (line: string) => void;
  /** Stops the run: the promise resolves after the outputs are closed. */
  signal?: AbortSignal;
  /** Called once the outputs are open/listening (with what the simulator offers in-process); the first byte goes
   * out after it returns (or its promise settles), so a harness can connect its readers first. */
  onReady?: (info: { tcpPort?: number; outputs: string[] } & Ready) => void | Promise<void>;
  /** With `tcpPort`: start (the first cycle, the reader's clock, the codes) only once a client (the gateway) is connected. */
  waitForClient?: boolean;
}

export interface LineOutputs {
  /** E.g. `serial /dev/pts/4 @ 9600`, `tcp 127.0.0.1:4001`. */
  readonly descriptions: string[];
  /** The bound TCP port after `start()`, when serving TCP. */
  readonly tcpPort: number | undefined;
  start(): Promise<void>;
  /** With a TCP output: resolves when a client is connected (false if `signal` aborted first); else at once. */
  waitForClient(signal?: AbortSignal): Promise<boolean>;
  /** To every output; each drops what it cannot send now. */
  write(chunk: Buffer): void;
  /** Waits for the last bytes to leave (at most `timeoutMs`) and logs what did not, and what was dropped. */
  flush(timeoutMs: number): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** Throws a clear Error for targets that cannot work. */
export function checkLineOutputTargets(t: LineOutputTargets): void {
  if (!t.serial && t.tcpPort === undefined) throw new Error('give a serial path and/or a TCP port to write the ticket to');
  if (t.tcpPort !== undefined && !(Number.isInteger(t.tcpPort) && t.tcpPort >= 0 && t.tcpPort <= 65535)) {
    throw new Error(`tcpPort must be 0..65535, got ${t.tcpPort}`);
  }
  if (t.baudRate !== undefined && !(Number.isInteger(t.baudRate) && t.baudRate > 0)) throw new Error(`baudRate must be a positive integer, got ${t.baudRate}`);
}

export function createLineOutputs(t: LineOutputTargets, log: OutputLog = () => undefined): LineOutputs {
  checkLineOutputTargets(t);
  const outputs: ByteOutput[] = [];
  let tcp: TcpOutput | undefined;
  if (t.serial) outputs.push(createSerialOutput({ path: t.serial, baudRate: t.baudRate ?? 9600, log }));
  if (t.tcpPort !== undefined) {
    tcp = createTcpOutput({ port: t.tcpPort, ...(t.tcpHost ? { host: t.tcpHost } : {}), log });
    outputs.push(tcp);
  }
  return {
    get descriptions() {
      return outputs.map((o) => o.description);
    },
    get tcpPort() {
      return tcp?.port;
    },
    async start() {
      for (const o of outputs) await o.start();
    },
    async waitForClient(signal) {
      return tcp ? tcp.waitForClient(signal) : true;
    },
    write(chunk) {
      for (const o of outputs) o.write(chunk);
    },
    async flush(timeoutMs) {
      const flushed = await Promise.all(outputs.map((o) => o.flush(timeoutMs)));
      outputs.forEach((o, i) => {
        if (!flushed[i]) log(`${o.description}: last bytes not drained after ${timeoutMs} ms (nobody reading?)`);
        if (o.droppedBytes > 0) log(`${o.description}: ${o.droppedBytes} bytes dropped (nothing listening)`);
      });
    },
    async close() {
      await Promise.all(outputs.map((o) => o.close()));
    },
  };
}
