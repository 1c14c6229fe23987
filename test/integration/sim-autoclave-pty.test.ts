// The simulated autoclave over a real PTY pair made by socat: the simulator writes one end with serialport,
// a reader (serialport, as the gateway's serial transport would) reads the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { runAutoclaveSimulator, type AutoclaveSimulatorOptions } from '../../simulators/autoclave-simulator.js';
import { autoclaveCyclePlans, resolveAutoclaveSettings, type AutoclaveCyclePlan } from '../../simulators/steam/autoclave-schedule.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-pty-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** socat PTY pair with stable links; resolves once socat reports its transfer loop is running. */
async function startSocat(simPath: string, readerPath: string): Promise<ChildProcess> {
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${simPath}`, `pty,raw,echo=0,link=${readerPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  cleanups.push(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('starting data transfer loop')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`socat exited ${code}: ${err}`)));
    proc.once('error', reject);
  });
  return proc;
}

interface Reader { bytes(): Buffer; waitFor(pred: (b: Buffer) => boolean, what: string, timeoutMs?: number): Promise<void> }

async function openReader(path: string): Promise<Reader> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  cleanups.push(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  let buf = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  port.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (const w of [...waiters]) w();
  });
  return {
    bytes: () => buf,
    waitFor: (pred, what, timeoutMs = 20_000) => new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!pred(buf)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${buf.length} bytes`));
      }, timeoutMs);
      waiters.add(check);
      check();
    }),
  };
}

const START = Date.UTC(2025, 2, 14, 7, 2, 11);
const plans = (opts: AutoclaveSimulatorOptions, n: number): AutoclaveCyclePlan[] => {
  const gen = autoclaveCyclePlans(resolveAutoclaveSettings(opts));
  return Array.from({ length: n }, () => gen.next().value);
};
const bytesOf = (plan: AutoclaveCyclePlan): Buffer => Buffer.concat(plan.chunks.map((c) => c.data));
const resultCount = (b: Buffer): number => b.toString('latin1').split('RESULT: CYCLE').length - 1;

describe('autoclave simulator on a PTY (socat)', () => {
  it('prints a whole steam-134-4 ticket, byte for byte, at 600x', async () => {
    const dir = await tempDir();
    const simPath = join(dir, 'sterilizer');
    await startSocat(simPath, join(dir, 'gateway'));
    const reader = await openReader(join(dir, 'gateway'));
    const opts: AutoclaveSimulatorOptions = { serial: simPath, baudRate: 9600, program: 'steam-134-4', speed: 600, cycles: 1, seed: 21, name: 'SZ-03', startTime: START, firstCycleNo: 4217 };
    const logs: string[] = [];
    const t0 = performance.now();
    await runAutoclaveSimulator({ ...opts, log: (l) => logs.push(l) });
    const realS = (performance.now() - t0) / 1000;
    const [plan] = plans(opts, 1);
    await reader.waitFor((b) => resultCount(b) === 1 && b.toString('latin1').endsWith('\r\n'), 'RESULT line');
    expect(reader.bytes().toString('latin1')).toBe(bytesOf(plan!).toString('latin1'));
    expect(reader.bytes().toString('latin1').split('\r\n')[0]).toBe('==== STERILIZER SZ-03  PROG 1: 134C INSTR ====');
    // paced, not dumped: a ~21 min cycle at 600x takes about 2 s
    expect(realS).toBeGreaterThan((plan!.cycle.durationS / 600) * 0.9);
    expect(logs.some((l) => l.includes('open'))).toBe(true);
  });

  it('passes binary noise and the long line of the garbage fault through unchanged', async () => {
    const dir = await tempDir();
    const simPath = join(dir, 'sterilizer');
    await startSocat(simPath, join(dir, 'gateway'));
    const reader = await openReader(join(dir, 'gateway'));
    const opts: AutoclaveSimulatorOptions = { serial: simPath, program: 'bowie-dick-134', fault: 'garbage', speed: 600, cycles: 1, seed: 2, startTime: START };
    await runAutoclaveSimulator(opts);
    const [plan] = plans(opts, 1);
    const expected = bytesOf(plan!);
    await reader.waitFor((b) => b.length >= expected.length, 'the whole ticket');
    expect(reader.bytes().equals(expected)).toBe(true);
    expect(expected.some((b) => b >= 0x80)).toBe(true);
  });

  it('keeps retrying a serial path that appears later and prints the following cycles whole', async () => {
    const dir = await tempDir();
    const simPath = join(dir, 'sterilizer');
    const opts: AutoclaveSimulatorOptions = { serial: simPath, program: 'bowie-dick-134', speed: 600, cycles: 3, seed: 5, startTime: START, pauseBetweenS: 30 };
    let reader: Reader | undefined;
    let noticed: () => void = () => undefined;
    const cannotOpen = new Promise<void>((resolve) => {
      noticed = resolve;
    });
    const run = runAutoclaveSimulator({ ...opts, log: (l) => (l.includes('cannot open') ? noticed() : undefined) });
    await cannotOpen;
    await startSocat(simPath, join(dir, 'gateway'));
    reader = await openReader(join(dir, 'gateway'));
    await run;
    await reader.waitFor((b) => b.toString('latin1').endsWith('RESULT: CYCLE OK\r\n'), 'the last RESULT line');
    const got = reader.bytes().toString('latin1');
    const all = plans(opts, 3).map((p) => bytesOf(p).toString('latin1'));
    // output before the port existed was dropped; what arrived is the tail of the stream, the last cycle whole
    expect(all.join('').endsWith(got)).toBe(true);
    expect(got.endsWith(all[2]!)).toBe(true);
    expect(got.length).toBeLessThan(all.join('').length);
  });
});
