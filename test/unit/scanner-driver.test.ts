import { afterEach, describe, expect, it } from 'vitest';
import { SCAN_ERROR_REASONS, ScannerDriver, type ScannerDriverOptions } from '../../drivers/scanner/index.js';
import { createMemoryPair } from '../../drivers/transport/memory-pair.js';
import { typeScan } from '../../simulators/scanner/keyboard-wedge-encoder.js';
import { Cleanups } from '../helpers/cleanups.js';
import { Events } from '../helpers/events.js';
import { captureLogger } from '../helpers/log-capture.js';

const GS1 = ']d201040123456789011727123110LOT123\u001d21SN0001';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

function setup(extra: Partial<ScannerDriverOptions> = {}) {
  const pair = createMemoryPair('scanner');
  const events = new Events();
  const { logger, logs } = captureLogger();
  let clock = 1_764_230_000_000;
  const driver = new ScannerDriver({ deviceId: 'SC-01', transport: pair.a, logger, now: () => clock++, onEvent: events.push, ...extra });
  cleanups.add(() => driver.stop());
  return { pair, events, logs, driver };
}

describe('ScannerDriver (text)', () => {
  it('emits one scan per code with GS and AIM prefix intact, the suffix stripped', async () => {
    const { pair, events, driver } = setup();
    await driver.start();
    await pair.b.write(`${GS1}\r\nTRAY-`);
    await pair.b.write('0042\r\n\r\nOP:0127\r\n');
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === 3);
    expect(events.of('scan').map((e) => e.raw)).toEqual([GS1, 'TRAY-0042', 'OP:0127']);
    expect(events.of('scan')[0]).toMatchObject({ kind: 'scan', deviceId: 'SC-01' });
    expect(events.of('link')).toEqual([expect.objectContaining({ connected: true })]);
    expect(driver.counters).toMatchObject({ scans: 3, parseErrors: 0 });
  });

  it('each scan carries how it reads (scan {raw, parsed}), with the site reading it is given', async () => {
    const { pair, events, driver } = setup({ reading: { internalPattern: /^TRAY-\d{4}$/, timeZone: 'Europe/Berlin' } });
    await driver.start();
    await pair.b.write(`${GS1}\r\nTRAY-0042\r\nPK-1\r\nOP:0127\r\nCMD:IMPLANT\r\n`);
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === 5);
    expect(events.of('scan').map((e) => [e.parsed.kind, e.parsed.valid])).toEqual([
      ['gs1', true],
      ['internal', true],
      ['unknown', false],
      ['operator', true],
      ['command', true],
    ]);
    expect(events.of('scan')[0]?.parsed).toMatchObject({
      raw: GS1,
      symbology: ']d2',
      fields: { gtin: '04012345678901', expiry: '2027-12-31', lot: 'LOT123', serial: 'SN0001' },
    });
    expect(events.of('scan')[2]?.parsed.errors).toEqual(['not a GS1, HIBC, operator, command or internal code']);
  });

  it('an over-long code is a parse-error, counted, logged once at warn; scanning goes on', async () => {
    const { pair, events, logs, driver } = setup({ maxCodeBytes: 32 });
    await driver.start();
    await pair.b.write(`${'9'.repeat(100)}\r${'8'.repeat(40)}\rOK-1\r`);
    await events.until((all) => all.some((e) => e.kind === 'scan'));
    expect(events.of('parse-error').map((e) => e.reason)).toEqual([SCAN_ERROR_REASONS.overflow, SCAN_ERROR_REASONS.overflow]);
    expect(events.of('parse-error')[0]?.raw).toBe('9'.repeat(32));
    expect(events.of('scan').map((e) => e.raw)).toEqual(['OK-1']);
    expect(driver.counters).toMatchObject({ overflows: 2, parseErrors: 2, scans: 1 });
    expect(logs.filter((l) => l.level === 40 && l.reason === SCAN_ERROR_REASONS.overflow)).toHaveLength(1);
    expect(logs.filter((l) => l.level === 20 && l.reason === SCAN_ERROR_REASONS.overflow)).toHaveLength(1);
  });

  it('a code cut by a disconnect is reported as incomplete, never as a scan', async () => {
    const { pair, events, driver } = setup();
    await driver.start();
    await pair.b.write('0104012345');
    await events.until(() => driver.counters.bytes === 10);
    pair.disconnect('cable pulled');
    pair.connect();
    await pair.b.write('TRAY-0042\r');
    await events.until((all) => all.some((e) => e.kind === 'scan'));
    expect(events.all.map((e) => e.kind)).toEqual(['link', 'parse-error', 'link', 'link', 'scan']);
    expect(events.of('parse-error')[0]).toMatchObject({ reason: SCAN_ERROR_REASONS.incomplete, raw: '0104012345' });
    expect(events.of('link')[1]).toMatchObject({ connected: false, error: 'cable pulled' });
    expect(events.of('scan')[0]?.raw).toBe('TRAY-0042');
  });

  it('refuses a bad format or record size before opening the transport', async () => {
    await expect(setup({ format: 'hex' as never }).driver.start()).rejects.toThrow(/format/);
    await expect(setup({ format: 'input-event', inputEventLayout: 20 as never }).driver.start()).rejects.toThrow(/16 or 24/);
  });
});

describe('ScannerDriver (input-event)', () => {
  it.each([24, 16] as const)('decodes a keyboard wedge (%i-byte records): GS via Ctrl+], Enter ends the code', async (layout) => {
    const { pair, events, driver } = setup({ format: 'input-event', inputEventLayout: layout });
    await driver.start();
    const bytes = Buffer.concat([typeScan(GS1, { layout, timeMs: 1e12 }), typeScan('OP:0127', { layout, timeMs: 1e12 + 500 })]);
    for (let at = 0; at < bytes.length; at += 100) await pair.b.write(bytes.subarray(at, at + 100));
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === 2);
    expect(events.of('scan').map((e) => e.raw)).toEqual([GS1, 'OP:0127']);
  });

  it('a code with an unmapped key is reported as damaged', async () => {
    const { pair, events, driver } = setup({ format: 'input-event', inputEventLayout: 24 });
    await driver.start();
    const f8 = Buffer.alloc(48);
    f8.writeUInt16LE(1, 16);
    f8.writeUInt16LE(66, 18);
    f8.writeInt32LE(1, 20); // F8 press
    f8.writeUInt16LE(1, 40);
    f8.writeUInt16LE(66, 42);
    f8.writeInt32LE(0, 44); // F8 release
    await pair.b.write(
      Buffer.concat([typeScan('AB', { layout: 24, timeMs: 0, suffix: '\t' }).subarray(0, -24 * 4), f8, typeScan('C', { layout: 24, timeMs: 0 })]),
    );
    await events.until((all) => all.some((e) => e.kind === 'parse-error'));
    expect(events.of('parse-error')[0]).toMatchObject({ reason: SCAN_ERROR_REASONS.damaged, raw: 'ABC' });
    expect(events.of('scan')).toEqual([]);
  });

  it('with functionKeys the same F8 types GS', async () => {
    const { pair, events, driver } = setup({ format: 'input-event', inputEventLayout: 24, functionKeys: { F8: '\u001d' } });
    await driver.start();
    await pair.b.write(typeScan('10LOT1\u001d21SN1', { layout: 24, timeMs: 0, gs: { fkey: 'F8' } }));
    await events.until((all) => all.some((e) => e.kind === 'scan'));
    expect(events.of('scan')[0]?.raw).toBe('10LOT1\u001d21SN1');
  });
});
