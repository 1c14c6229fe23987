import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LINE_OVERFLOW_REASON,
  PARSE_ERROR_REASONS,
  PREVAC_TICKET,
  PrinterLineDriver,
  type PrinterLineDriverOptions,
} from '../../drivers/printer-line/index.js';
import { createMemoryPair, type MemoryPair } from '../../drivers/transport/memory-pair.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { isGatewayError } from '../../vocabulary/errors.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/printer-line/${name}`, import.meta.url));

/** Collects events and lets a test await the n-th one matching a predicate (seen already or still to come). */
class Events {
  readonly all: DeviceEvent[] = [];
  private waiters: { check: () => boolean }[] = [];
  readonly push = (e: DeviceEvent): void => {
    this.all.push(e);
    this.waiters = this.waiters.filter((w) => !w.check());
  };
  next(match: (e: DeviceEvent) => boolean, nth = 1): Promise<DeviceEvent> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const found = this.all.filter(match);
        const hit = found[nth - 1];
        if (hit !== undefined) resolve(hit);
        return hit !== undefined;
      };
      if (!check()) this.waiters.push({ check });
    });
  }
  of<K extends DeviceEvent['kind']>(kind: K): Extract<DeviceEvent, { kind: K }>[] {
    return this.all.filter((e): e is Extract<DeviceEvent, { kind: K }> => e.kind === kind);
  }
}

interface LogLine {
  level: number;
  msg: string;
  reason?: string;
  deviceId?: string;
}

function setup(extra: Partial<PrinterLineDriverOptions> = {}) {
  const pair = createMemoryPair('ticket');
  const events = new Events();
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  let clock = Date.parse('2025-03-14T09:00:00+01:00');
  const driver = new PrinterLineDriver({
    deviceId: 'AC-01',
    transport: pair.a,
    logger,
    now: () => clock++,
    onEvent: events.push,
    tzOffsetMinutes: 60,
    ...extra,
  });
  return { pair, events, logs, driver };
}

/** Writes `data` from the device end in irregular chunks, as a serial line would deliver it. */
async function sendChunked(pair: MemoryPair, data: Buffer, sizes = [1, 7, 64, 3, 200, 13]): Promise<void> {
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length] ?? 16;
    await pair.b.write(data.subarray(at, at + size));
    at += size;
  }
}

let running: PrinterLineDriver[] = [];
afterEach(async () => {
  await Promise.all(running.map((d) => d.stop()));
  running = [];
});
const start = async (driver: PrinterLineDriver) => {
  running.push(driver);
  await driver.start();
};

describe('PrinterLineDriver', () => {
  it('turns a chunked ticket into link, cycle, phase and sample events', async () => {
    const { pair, events, driver } = setup();
    await start(driver);
    expect(events.all[0]).toMatchObject({ kind: 'link', deviceId: 'AC-01', connected: true });
    const end = events.next((e) => e.kind === 'cycle-end');
    await sendChunked(pair, fixture('pass-134.txt'));
    expect(await end).toMatchObject({ status: 'ok', ts: Date.parse('2025-03-14T08:29:10+01:00') });
    expect(events.of('cycle-start')[0]).toMatchObject({ programNo: 1, cycleNo: 4217 });
    expect(events.of('sample')).toHaveLength(25);
    expect(events.of('raw')).toHaveLength(32);
    expect(driver.counters).toEqual({ bytes: fixture('pass-134.txt').length, lines: 32, parseErrors: 0, overflows: 0 });
  });

  it('counts garbage and the never-ending line, warns once per reason, and keeps going', async () => {
    const { pair, events, logs, driver } = setup();
    await start(driver);
    await sendChunked(pair, fixture('garbage.txt'));
    await sendChunked(pair, fixture('garbage.txt'));
    await events.next((e) => e.kind === 'cycle-end', 2);
    expect(driver.counters.overflows).toBe(2);
    expect(driver.counters.parseErrors).toBe(8);
    const overflowErrors = events.of('parse-error').filter((e) => e.reason === LINE_OVERFLOW_REASON);
    expect(overflowErrors).toHaveLength(2);
    expect(overflowErrors[0]?.raw.startsWith('ZZZZ')).toBe(true);
    const warnings = logs.filter((l) => l.level === 40 && l.msg.startsWith('unparsed line'));
    expect(warnings.map((w) => w.reason).sort()).toEqual([LINE_OVERFLOW_REASON, PARSE_ERROR_REASONS.unknownLabel, PARSE_ERROR_REASONS.unrecognized].sort());
    expect(warnings.every((w) => w.deviceId === 'AC-01')).toBe(true);
  });

  it('cuts lines at maxLineBytes', async () => {
    const { pair, events, driver } = setup({ maxLineBytes: 16 });
    await start(driver);
    const error = events.next((e) => e.kind === 'parse-error');
    await pair.b.write(`${'9'.repeat(40)}\n`);
    expect(await error).toMatchObject({ reason: LINE_OVERFLOW_REASON, raw: '9'.repeat(16) });
    expect(driver.counters.overflows).toBe(1);
  });

  it('reports link loss and return, and parses a line cut by the disconnect on its own', async () => {
    const { pair, events, driver } = setup();
    await start(driver);
    await pair.b.write('==== STERILIZER SZ-03  PROG 1: 134C INSTR ====\r\n08:00:00  START  96.0  -1.0\r\n08:00:01      96');
    await events.next((e) => e.kind === 'sample');
    const down = events.next((e) => e.kind === 'link', 2);
    pair.disconnect('cable pulled');
    expect(await down).toMatchObject({ kind: 'link', connected: false, error: 'cable pulled' });
    expect(events.of('raw').at(-1)?.line).toBe('08:00:01      96');
    const up = events.next((e) => e.kind === 'link', 3);
    pair.connect();
    expect(await up).toMatchObject({ connected: true });
    const sample = events.next((e) => e.kind === 'sample', 2);
    await pair.b.write('08:00:02                  96.5      -1.5\n');
    expect(await sample).toMatchObject({ temp_c: 96.5, phase: 'conditioning' });
  });

  it('survives a throwing event handler', async () => {
    const seen = new Events();
    const { pair, logs, driver } = setup({
      onEvent: (e) => {
        seen.push(e);
        throw new Error('consumer bug');
      },
    });
    await start(driver);
    await pair.b.write('RESULT: CYCLE OK\n08:00:00     20.0  0.0\n');
    await seen.next((e) => e.kind === 'sample');
    expect(logs.filter((l) => l.msg === 'event handler threw').length).toBeGreaterThanOrEqual(5);
    expect(driver.counters.lines).toBe(2);
  });

  it('emits nothing after stop(), which is idempotent', async () => {
    const { pair, events, driver } = setup();
    await start(driver);
    await Promise.all([driver.stop(), driver.stop()]);
    await driver.stop();
    const before = events.all.length;
    pair.disconnect();
    pair.connect();
    expect(events.all.length).toBe(before);
  });

  it('refuses an invalid profile, encoding or atmosphere at start()', async () => {
    const bad = setup({ profile: { ...PREVAC_TICKET, sample: '(' } });
    await expect(bad.driver.start()).rejects.toSatisfy((e: unknown) => isGatewayError(e, 'device.profile.invalid'));
    const enc = setup({ encoding: 'utf-16le' });
    await expect(enc.driver.start()).rejects.toSatisfy((e: unknown) => isGatewayError(e, 'device.encoding'));
    const atm = setup({ atmosphericKpa: 0 });
    await expect(atm.driver.start()).rejects.toSatisfy((e: unknown) => isGatewayError(e, 'device.config'));
  });

  it('decodes with the profile encoding unless the device overrides it', async () => {
    const utf8 = setup();
    await start(utf8.driver);
    await utf8.pair.b.write(Buffer.from('STER TEMP MIN/MAX: 134.1/134.7 °C\n', 'utf8'));
    expect(await utf8.events.next((e) => e.kind === 'raw')).toMatchObject({ line: 'STER TEMP MIN/MAX: 134.1/134.7 °C' });
    const latin1 = setup({ encoding: 'latin1' });
    await start(latin1.driver);
    await latin1.pair.b.write(Buffer.from('STER TEMP MIN/MAX: 134.1/134.7 °C\n', 'latin1'));
    expect(await latin1.events.next((e) => e.kind === 'raw')).toMatchObject({ line: 'STER TEMP MIN/MAX: 134.1/134.7 °C' });
  });
});
