// A USB HID keyboard-wedge scanner, stood in for by a FIFO or a regular file of Linux input_event records
// (what /dev/input/eventN delivers): the simulator's keyboard-wedge output types codes into it, the
// driver reads it through HidTransport. Also: the device going away and coming back.
import { execFileSync } from 'node:child_process';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HidTransport, ScannerDriver, type ScannerDriverOptions } from '../../drivers/scanner/index.js';
import { typeScan } from '../../simulators/scanner/keyboard-wedge-encoder.js';
import { runScannerSimulator } from '../../simulators/scanner-simulator.js';
import { Cleanups, tempDir } from '../helpers/cleanups.js';
import { Events } from '../helpers/events.js';
import { captureLogger, FAST } from './scanner-bi-harness.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const GS1 = ']d201040123456789011727123110LOT123\u001d21SN0001';
const CODES = [GS1, 'OP:0127', '(01)04012345678901(21)TRAY-0042', 'CMD:LOAD-END'];

const mkfifo = (path: string): void => void execFileSync('mkfifo', [path]);

async function startDriver(path: string, extra: Partial<ScannerDriverOptions> = {}, fromStart = false) {
  const events = new Events();
  const { logger } = captureLogger();
  const transport = new HidTransport({ path, pollMs: 5, checkMs: 50, backoff: FAST, fromStart });
  const driver = new ScannerDriver({ deviceId: 'SC-HID', transport, format: 'input-event', logger, now: Date.now, onEvent: events.push, ...extra });
  cleanups.add(() => driver.stop());
  await driver.start();
  return { events, driver, transport };
}

const scans = (events: Events): string[] => events.of('scan').map((e) => e.raw);

describe('keyboard-wedge scanner through HidTransport', () => {
  it.each([24, 16] as const)('reads codes typed into a FIFO (%i-byte records), GS via Ctrl+]', async (layout) => {
    const dir = await tempDir(cleanups, 'scanner-hid-');
    const fifo = join(dir, 'event7');
    mkfifo(fifo);
    const { events, driver } = await startDriver(fifo, { inputEventLayout: layout });
    await events.link(true);
    await runScannerSimulator({ keyboardWedge: { path: fifo, layout }, codes: CODES, intervalMs: 5 });
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === CODES.length, 'every code');
    expect(scans(events)).toEqual(CODES);
    expect(driver.counters.parseErrors).toBe(0);
  });

  it('GS typed as Alt+029 or as F8 (with functionKeys) arrives as GS', async () => {
    const dir = await tempDir(cleanups, 'scanner-hid-');
    const fifo = join(dir, 'event8');
    mkfifo(fifo);
    const { events } = await startDriver(fifo, { inputEventLayout: 24, functionKeys: { F8: '\u001d' } });
    await events.link(true);
    await runScannerSimulator({ keyboardWedge: { path: fifo, layout: 24, gs: 'alt' }, codes: [GS1], intervalMs: 0 });
    await runScannerSimulator({ keyboardWedge: { path: fifo, layout: 24, gs: { fkey: 'F8' } }, codes: [GS1], intervalMs: 0, terminator: 'tab' });
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === 2, 'two scans');
    expect(scans(events)).toEqual([GS1, GS1]);
  });

  it('tails a regular file from its end: what was there before is not replayed', async () => {
    const dir = await tempDir(cleanups, 'scanner-hid-');
    const file = join(dir, 'capture.bin');
    await writeFile(file, typeScan('OLD-SCAN', { layout: 24, timeMs: 0 }));
    const { events } = await startDriver(file, { inputEventLayout: 24 });
    await events.link(true);
    const bytes = typeScan(GS1, { layout: 24, timeMs: 1e12 });
    // appended in pieces that split records, as a slow writer would
    for (let at = 0; at < bytes.length; at += 1000) await appendFile(file, bytes.subarray(at, at + 1000));
    await events.until((all) => all.some((e) => e.kind === 'scan'), 'the scan');
    expect(scans(events)).toEqual([GS1]);
  });

  it('reads a regular file from the start with fromStart', async () => {
    const dir = await tempDir(cleanups, 'scanner-hid-');
    const file = join(dir, 'capture.bin');
    await writeFile(file, Buffer.concat(CODES.map((c, i) => typeScan(c, { layout: 16, timeMs: i * 1000 }))));
    const { events } = await startDriver(file, { inputEventLayout: 16 }, true);
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === CODES.length, 'every code');
    expect(scans(events)).toEqual(CODES);
  });

  it('reports the device gone when its node disappears, and reads it again when it is back', async () => {
    const dir = await tempDir(cleanups, 'scanner-hid-');
    const fifo = join(dir, 'event9');
    mkfifo(fifo);
    const { events } = await startDriver(fifo, { inputEventLayout: 24 });
    await events.link(true);
    await rm(fifo);
    await events.link(false);
    expect(events.of('link')[1]?.error).toMatch(/is gone/);
    mkfifo(fifo);
    await events.link(true, 2);
    await runScannerSimulator({ keyboardWedge: { path: fifo, layout: 24 }, codes: ['BACK-AGAIN'], intervalMs: 0 });
    await events.until((all) => all.some((e) => e.kind === 'scan'), 'the scan after re-plugging');
    expect(scans(events)).toEqual(['BACK-AGAIN']);
  });

  it('a device that is not there yet is retried until it appears', async () => {
    const dir = await tempDir(cleanups, 'scanner-hid-');
    const fifo = join(dir, 'event10');
    const { events, transport } = await startDriver(fifo, { inputEventLayout: 24 });
    await events.link(false);
    expect(events.of('link')[0]?.error).toMatch(/ENOENT/);
    mkfifo(fifo);
    await events.link(true);
    await expect(transport.write(Buffer.from('x'))).rejects.toThrow(/cannot be written/);
  });
});
