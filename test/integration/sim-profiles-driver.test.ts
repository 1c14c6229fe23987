// Each simulator format into the PrinterLineDriver over real transports: a socat PTY pair (serial) and a
// TCP "serial device server". The simulator prints at 600x; the driver, configured with the same
// built-in profile as the gateway would be, must give cycle-start … cycle-end with plausible samples,
// and show the injected faults. Every test awaits events; processes and ports are closed afterwards.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_PRINTER_PROFILES, PrinterLineDriver } from '../../drivers/printer-line/index.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { TcpTransport } from '../../drivers/transport/tcp-transport.js';
import type { Transport } from '../../drivers/transport/transport.js';
import { type AutoclaveSimulatorOptions, runAutoclaveSimulator } from '../../simulators/autoclave-simulator.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { Cleanups, tempDir, tempPtyPair } from '../helpers/cleanups.js';
import { Events } from '../helpers/events.js';
import { ofKind } from '../helpers/printer-line.js';

const SPEED = 600;
const FAST = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 };
const cleanups = new Cleanups();
afterEach(() => cleanups.run());

/** A started driver for `profile` on `transport`; resolves once its link is up. */
async function startDriver(profile: string, transport: Transport, events: Events): Promise<PrinterLineDriver> {
  const p = BUILTIN_PRINTER_PROFILES[profile];
  if (!p) throw new Error(profile);
  const driver = new PrinterLineDriver({
    deviceId: 'AC-01',
    transport,
    profile: p,
    logger: pino({ level: 'silent' }),
    now: Date.now,
    onEvent: events.push,
    // 60 s of simulated silence is 100 ms at 600x. Between cycles the printed clock jumps and splits them
    // anyway, so the silence only ends the last cycle: wait well past any scheduling hiccup for it.
    idleAfterMs: 1500,
    idleCheckMs: 50,
  });
  cleanups.add(() => driver.stop());
  await driver.start();
  await events.link(true);
  return driver;
}

async function overPty(profile: string, sim: Omit<AutoclaveSimulatorOptions, 'speed' | 'cycles'> & { cycles?: number }, baudRate = 9600): Promise<Events> {
  const pty = await tempPtyPair(cleanups, await tempDir(cleanups, 'sim-profiles-'), 'sterilizer');
  const events = new Events();
  await startDriver(profile, new SerialTransport({ path: pty.gw, baudRate, backoff: FAST }), events);
  const simLog: string[] = [];
  const log = (line: string): number => simLog.push(line);
  await runAutoclaveSimulator({ serial: pty.dev, baudRate, speed: SPEED, cycles: 1, profile, startTime: Date.now(), log, ...sim });
  await events.atLeast('cycle-end', sim.cycles ?? 1).catch((e: Error) => {
    throw new Error(`${e.message}\n--- simulator:\n${simLog.join('\n')}`);
  });
  return events;
}

/** The simulator as a serial device server on a free TCP port, waiting for the driver, which then reads one cycle. */
async function overTcp(profile: string, sim: Omit<AutoclaveSimulatorOptions, 'speed' | 'cycles' | 'tcpPort'>): Promise<Events> {
  const events = new Events();
  let run: Promise<void> | undefined;
  const port = await new Promise<number>((resolve) => {
    const onReady: AutoclaveSimulatorOptions['onReady'] = ({ tcpPort }) => resolve(tcpPort ?? -1);
    run = runAutoclaveSimulator({ tcpPort: 0, waitForClient: true, speed: SPEED, cycles: 1, profile, startTime: Date.now(), ...sim, onReady });
  });
  await startDriver(profile, new TcpTransport({ host: '127.0.0.1', port, backoff: FAST }), events);
  await run;
  await events.atLeast('cycle-end', 1);
  return events;
}

const sterilizing = (events: DeviceEvent[]) => ofKind(events, 'sample').filter((s) => s.phase === 'sterilizing');

describe('simulator formats over a socat PTY into the PrinterLineDriver', () => {
  it('prevac-ticket-zh (GB18030): header facts in Chinese, a plateau at 134 °C and saturated pressure, 合格', async () => {
    const events = await overPty('prevac-ticket-zh', { program: 'steam-134-4', seed: 21, name: 'SZ-03' });
    expect(ofKind(events.all, 'parse-error')).toEqual([]);
    expect(ofKind(events.all, 'cycle-start')).toMatchObject([{ programNo: 1, info: { sterilizer: 'SZ-03', programText: '134℃ 器械' } }]);
    expect(ofKind(events.all, 'phase').map((p) => p.phase)).toEqual(['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying', 'aeration', 'complete']);
    const plateau = sterilizing(events.all);
    expect(plateau.length).toBeGreaterThanOrEqual(240);
    for (const s of plateau) {
      expect(s.temp_c).toBeGreaterThanOrEqual(134);
      expect(s.temp_c).toBeLessThanOrEqual(135.5);
      expect(s.pressure_kpa).toBeGreaterThan(300);
      expect(s.pressure_kpa).toBeLessThan(320);
    }
    expect(ofKind(events.all, 'cycle-end')).toMatchObject([{ status: 'ok' }]);
  });

  it('prevac-ticket-zh with the abort fault: 报警 E23, 中止', async () => {
    const events = await overPty('prevac-ticket-zh', { program: 'steam-121-15', fault: 'abort', seed: 3 });
    expect(ofKind(events.all, 'alarm')).toMatchObject([{ code: 'E23', text: '蒸汽供应' }]);
    expect(ofKind(events.all, 'cycle-end')).toMatchObject([{ status: 'aborted', code: 'E23' }]);
  });

  it('amsco-ls at 38400 baud: two cycles split by the idle gap, °F/psig converted, the last ended by silence', async () => {
    const events = await overPty('amsco-ls', { program: 'bowie-dick-134', seed: 5, cycles: 2, pauseBetweenS: 300 }, 38_400);
    expect(ofKind(events.all, 'parse-error')).toEqual([]);
    // the driver joined a quiet line, but not for idleGapS: the first cycle may open without a cycle-start
    expect(ofKind(events.all, 'cycle-start').length).toBeGreaterThanOrEqual(1);
    expect(ofKind(events.all, 'cycle-end')).toMatchObject([
      { status: 'ok', inferred: true },
      { status: 'ok', inferred: true },
    ]);
    const plateau = sterilizing(events.all);
    expect(plateau.length).toBeGreaterThanOrEqual(2 * 210);
    for (const s of plateau) {
      expect(s.temp_c).toBeGreaterThan(133.9);
      expect(s.temp_c).toBeLessThan(135.6);
      expect(s.temp2_c).toBeGreaterThan(125);
      expect(s.pressure_kpa).toBeGreaterThan(295);
      expect(s.pressure_kpa).toBeLessThan(325);
    }
    const vacuum = Math.min(...ofKind(events.all, 'sample').map((s) => s.pressure_kpa ?? Infinity));
    expect(vacuum).toBeGreaterThan(3);
    expect(vacuum).toBeLessThan(12);
  });

  it('amsco-ls with the short-hold fault: the S flag is up for only 150 s', async () => {
    const events = await overPty('amsco-ls', { program: 'steam-134-4', fault: 'short-hold', seed: 9 }, 38_400);
    expect(sterilizing(events.all)).toHaveLength(150);
  });

  it('amsco-ls with the garbage fault: junk is counted, the cycle still arrives whole', async () => {
    const events = await overPty('amsco-ls', { program: 'bowie-dick-134', fault: 'garbage', seed: 2 }, 38_400);
    expect(ofKind(events.all, 'parse-error').length).toBeGreaterThan(0);
    expect(sterilizing(events.all)).toHaveLength(225);
    expect(ofKind(events.all, 'cycle-end')).toMatchObject([{ status: 'ok', inferred: true }]);
  });

  it('scican-summary: no samples, one summary with min/max in band and the phase times', async () => {
    const events = await overPty('scican-summary', { program: 'steam-134-4', seed: 11, firstCycleNo: 1755 });
    expect(ofKind(events.all, 'parse-error')).toEqual([]);
    expect(ofKind(events.all, 'sample')).toEqual([]);
    expect(ofKind(events.all, 'cycle-start')).toMatchObject([{ programNo: 1, cycleNo: 1755 }]);
    const [summary] = ofKind(events.all, 'summary');
    expect(summary?.minTempC).toBeGreaterThanOrEqual(134);
    expect(summary?.maxTempC).toBeLessThanOrEqual(137);
    expect(summary?.minPressureKpa).toBeGreaterThan(300);
    expect(summary?.phases?.map((p) => p.phase)).toEqual(['sterilizing', 'drying', 'aeration', 'complete']);
    expect(ofKind(events.all, 'cycle-end')).toMatchObject([{ status: 'ok' }]);
  });

  it('scican-summary with the overshoot fault: the max is above the band', async () => {
    const events = await overPty('scican-summary', { program: 'steam-134-4', fault: 'overshoot', seed: 4 });
    expect(ofKind(events.all, 'summary')[0]?.maxTempC).toBeGreaterThan(137);
  });
});

describe('simulator formats over TCP into the PrinterLineDriver', () => {
  it('amsco-ls-metric: °C and kPa on the 24 h clock, served once the driver is connected', async () => {
    const events = await overTcp('amsco-ls-metric', { program: 'steam-134-4', seed: 7 });
    expect(ofKind(events.all, 'parse-error')).toEqual([]);
    const plateau = sterilizing(events.all);
    expect(plateau.length).toBeGreaterThanOrEqual(240);
    expect(Math.min(...plateau.map((s) => s.temp_c ?? 0))).toBeGreaterThanOrEqual(134);
    expect(ofKind(events.all, 'cycle-end')).toMatchObject([{ status: 'ok', inferred: true }]);
  });

  it('scican-summary with the abort fault: the fault alarm and an aborted cycle', async () => {
    const events = await overTcp('scican-summary', { program: 'steam-134-4', fault: 'abort', seed: 7 });
    expect(ofKind(events.all, 'alarm')).toMatchObject([{ code: 'CF23' }]);
    expect(ofKind(events.all, 'cycle-end')).toMatchObject([{ status: 'aborted', code: 'CF23' }]);
  });
});
