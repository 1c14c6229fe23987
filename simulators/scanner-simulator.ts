// The simulated barcode scanner (`sterilink simulate scanner`): types codes, GS separators and AIM
// prefixes included, each followed by its suffix, to a serial port/PTY and/or a TCP "serial device
// server" (a serial scanner), and/or as Linux input_event records to a FIFO or file (a USB HID
// keyboard-wedge scanner, read by the gateway's HidTransport as if it were /dev/input/eventN).
//
// Codes come from `codes` or a script file (simulators/scanner/scan-script.ts), one every `intervalMs`
// real milliseconds, `rounds` times; and from scan() on the handle given to `onReady`, which the demo
// calls in-process. Output nobody listens to is dropped (byte-output.ts), as a scanner's would be.

import { setTimeout as delay } from 'node:timers/promises';
import type { ByteOutput } from './output/byte-output.js';
import { createLineOutputs, FLUSH_TIMEOUT_MS, type LineOutputs, type LineRunOptions } from './output/line-outputs.js';
import { createInputEventOutput } from './scanner/input-event-output.js';
import { canType, type GsMode, type InputEventLayout, typeScan } from './scanner/keyboard-wedge-encoder.js';
import { DEFAULT_SCAN_CODES, readScanScript } from './scanner/scan-script.js';

export type { GsMode } from './scanner/keyboard-wedge-encoder.js';
export { DEFAULT_SCAN_CODES, parseScanScript, unescapeScan } from './scanner/scan-script.js';

export const SCANNER_TERMINATORS = { cr: '\r', lf: '\n', crlf: '\r\n', tab: '\t' } as const;
export type ScannerTerminator = keyof typeof SCANNER_TERMINATORS;

export interface KeyboardWedgeTarget {
  /** A FIFO (mkfifo) or a regular file, appended to. */
  path: string;
  /** Bytes per record: 24 (64-bit reader) or 16 (32-bit reader). Default 24 on 64-bit hosts. */
  layout?: InputEventLayout;
  /** How GS is typed. Default `ctrl` (Ctrl+]). */
  gs?: GsMode;
  /** Simulated ms between two key events. Default 2. */
  keyGapMs?: number;
}

/** The running scanner, for in-process callers (the demo, tests). */
export interface ScannerControl {
  /** Types one code now on every output. Throws if a keyboard wedge cannot type it. */
  scan(code: string): void;
}

export interface ScannerSimulatorOptions extends LineRunOptions<{ scanner: ScannerControl }> {
  keyboardWedge?: KeyboardWedgeTarget;
  /** Default DEFAULT_SCAN_CODES; `[]` for none (scan() only). */
  codes?: readonly string[];
  /** A script file; replaces `codes`. */
  script?: string;
  /** Real ms between two codes (and before the first). Default 2000. */
  intervalMs?: number;
  /** Suffix after each code on the serial/TCP line. Default `cr`. A keyboard wedge types Enter, or Tab for `tab`. */
  terminator?: ScannerTerminator;
  /** Times the codes are played. Default 1; 0 = until `signal` aborts. */
  rounds?: number;
  /** Keep running after the codes (for scan()) until `signal` aborts. Default false. */
  keepRunning?: boolean;
}

export async function runScannerSimulator(opts: ScannerSimulatorOptions): Promise<void> {
  const intervalMs = opts.intervalMs ?? 2000;
  if (!(intervalMs >= 0 && Number.isFinite(intervalMs))) throw new Error(`intervalMs must be a non-negative number, got ${intervalMs}`);
  const rounds = opts.rounds ?? 1;
  if (!Number.isInteger(rounds) || rounds < 0) throw new Error(`rounds must be a non-negative integer (0 = forever), got ${rounds}`);
  const terminator = opts.terminator ?? 'cr';
  if (!Object.hasOwn(SCANNER_TERMINATORS, terminator))
    throw new Error(`terminator must be one of ${Object.keys(SCANNER_TERMINATORS).join(', ')}, got "${terminator}"`);
  const wedge = opts.keyboardWedge;
  const layout: InputEventLayout = wedge?.layout ?? (['arm', 'ia32'].includes(process.arch) ? 16 : 24);
  if (layout !== 16 && layout !== 24) throw new Error(`keyboardWedge.layout must be 16 or 24, got ${String(layout)}`);
  if (!opts.serial && opts.tcpPort === undefined && !wedge) throw new Error('give a serial path, a TCP port and/or a keyboard-wedge path to type to');
  const codes = opts.script !== undefined ? await readScanScript(opts.script) : (opts.codes ?? DEFAULT_SCAN_CODES);
  if (rounds === 0 && codes.length === 0) throw new Error('rounds 0 (forever) needs at least one code');
  const checkCode = (code: string): void => {
    if (code.length === 0) throw new Error('cannot scan an empty code');
    if (wedge) {
      const bad = [...code].find((c) => !canType(c));
      if (bad !== undefined) throw new Error(`a keyboard wedge cannot type ${JSON.stringify(bad)} in ${JSON.stringify(code)}`);
    }
  };
  codes.forEach(checkCode);
  const log = opts.log ?? (() => undefined);

  const lines: LineOutputs | undefined = opts.serial || opts.tcpPort !== undefined ? createLineOutputs(opts, log) : undefined;
  const hid: ByteOutput | undefined = wedge ? createInputEventOutput({ path: wedge.path, log }) : undefined;
  const suffix = SCANNER_TERMINATORS[terminator];
  const scanner: ScannerControl = {
    scan(code) {
      checkCode(code);
      lines?.write(Buffer.from(code + suffix, 'utf8'));
      hid?.write(
        typeScan(code, {
          layout,
          timeMs: Date.now(),
          suffix: terminator === 'tab' ? '\t' : '\r',
          ...(wedge?.gs && { gs: wedge.gs }),
          ...(wedge?.keyGapMs !== undefined && { keyGapMs: wedge.keyGapMs }),
        }),
      );
      log(`scanner: scanned ${JSON.stringify(code)}`);
    },
  };

  try {
    await lines?.start();
    await hid?.start();
    const outputs = [...(lines?.descriptions ?? []), ...(hid ? [hid.description] : [])];
    const tcpPort = lines?.tcpPort;
    await opts.onReady?.({ ...(tcpPort !== undefined ? { tcpPort } : {}), outputs, scanner });
    if (opts.waitForClient && lines && !(await lines.waitForClient(opts.signal))) return;
    log(`scanner: ${codes.length} code(s) every ${intervalMs} ms, ${rounds === 0 ? 'until stopped' : `${rounds} round(s)`} -> ${outputs.join(', ')}`);
    const wait = async (ms: number): Promise<boolean> => {
      try {
        await delay(ms, undefined, opts.signal ? { signal: opts.signal } : {});
        return true;
      } catch {
        return false; // aborted
      }
    };
    playing: for (let round = 0; codes.length > 0 && (rounds === 0 || round < rounds); round++) {
      for (const code of codes) {
        if (!(await wait(intervalMs))) break playing;
        scanner.scan(code);
      }
    }
    if (opts.keepRunning && opts.signal && !opts.signal.aborted) {
      const signal = opts.signal;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    await lines?.flush(FLUSH_TIMEOUT_MS);
  } finally {
    await lines?.close();
    await hid?.close();
  }
}
