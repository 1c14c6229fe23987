// A serial scanner over a real PTY pair (socat) and over TCP (a serial device server): the simulator
// types codes, the driver reads them through SerialTransport / TcpTransport. A GS1 DataMatrix code with
// its AIM prefix and GS separator must arrive byte for byte.
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCAN_ERROR_REASONS, ScannerDriver, type ScannerDriverOptions } from '../../drivers/scanner/index.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { TcpTransport } from '../../drivers/transport/tcp-transport.js';
import type { Transport } from '../../drivers/transport/transport.js';
import { runScannerSimulator, type ScannerControl } from '../../simulators/scanner-simulator.js';
import { Cleanups, tempDir, tempPtyPair } from '../helpers/cleanups.js';
import { Events } from '../helpers/events.js';
import { captureLogger, FAST } from './scanner-bi-harness.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const GS1 = ']d201040123456789011727123110LOT123\u001d21SN0001';
const CODES = [GS1, ']C180049521234IS000123', 'OP:0127', '+A999123457/$$3271231LOT9', 'CMD:LOAD-END'];

async function startDriver(transport: Transport, extra: Partial<ScannerDriverOptions> = {}) {
  const events = new Events();
  const { logger } = captureLogger();
  const driver = new ScannerDriver({ deviceId: 'SC-01', transport, logger, now: Date.now, onEvent: events.push, ...extra });
  cleanups.add(() => driver.stop());
  await driver.start();
  await events.link(true);
  return { events, driver };
}

const scans = (events: Events): string[] => events.of('scan').map((e) => e.raw);

describe('scanner on a PTY (socat)', () => {
  it.each(['cr', 'crlf', 'lf', 'tab'] as const)('codes typed with a %s suffix arrive intact', async (terminator) => {
    const dir = await tempDir(cleanups, 'scanner-pty-');
    const pty = await tempPtyPair(cleanups, dir, 'scanner');
    const { events, driver } = await startDriver(new SerialTransport({ path: pty.gw, baudRate: 9600, backoff: FAST }));
    await runScannerSimulator({ serial: pty.dev, baudRate: 9600, codes: CODES, intervalMs: 10, terminator });
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === CODES.length, 'every code');
    expect(scans(events)).toEqual(CODES);
    expect(Buffer.from(scans(events)[0]!, 'utf8').includes(0x1d)).toBe(true);
    expect(driver.counters.parseErrors).toBe(0);
  });

  it('plays a script file with <GS> escapes, twice', async () => {
    const dir = await tempDir(cleanups, 'scanner-pty-');
    const pty = await tempPtyPair(cleanups, dir, 'scanner');
    const script = join(dir, 'codes.txt');
    await writeFile(script, '# a load\n]d2010401234567890110LOT1<GS>21SN1\n\nTRAY-0042\n');
    const { events } = await startDriver(new SerialTransport({ path: pty.gw, baudRate: 9600, backoff: FAST }));
    await runScannerSimulator({ serial: pty.dev, script, intervalMs: 5, rounds: 2 });
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === 4, 'four scans');
    expect(scans(events)).toEqual([']d2010401234567890110LOT1\u001d21SN1', 'TRAY-0042', ']d2010401234567890110LOT1\u001d21SN1', 'TRAY-0042']);
  });
});

describe('scanner over TCP (serial device server)', () => {
  it('codes scanned in-process arrive intact, UTF-8 included', async () => {
    const ac = new AbortController();
    let ready: (v: { port: number; scanner: ScannerControl }) => void = () => undefined;
    const readyP = new Promise<{ port: number; scanner: ScannerControl }>((resolve) => (ready = resolve));
    const sim = runScannerSimulator({
      tcpPort: 0,
      codes: [],
      keepRunning: true,
      terminator: 'crlf',
      signal: ac.signal,
      onReady: ({ tcpPort, scanner }) => ready({ port: tcpPort ?? -1, scanner }),
    });
    cleanups.add(async () => {
      ac.abort();
      await sim;
    });
    const { port, scanner } = await readyP;
    const { events } = await startDriver(new TcpTransport({ host: '127.0.0.1', port, backoff: FAST }), { suffix: 'crlf' });
    const codes = [...CODES, 'PACK-ÄÖ-7'];
    for (const c of codes) scanner.scan(c);
    await events.until((all) => all.filter((e) => e.kind === 'scan').length === codes.length, 'every code');
    expect(scans(events)).toEqual(codes);
  });

  it('a code cut by the device server dropping the connection is reported, not scanned; the driver reconnects', async () => {
    let n = 0;
    const server = createServer((socket) => {
      // first connection: half a code, then the line drops; second: a whole code
      if (n++ === 0) socket.end('0104012345678901172712');
      else socket.write(`${GS1}\r`);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const { events } = await startDriver(new TcpTransport({ host: '127.0.0.1', port, backoff: FAST }));
    await events.until((all) => all.some((e) => e.kind === 'scan'), 'the scan after reconnecting');
    expect(events.all.map((e) => e.kind)).toEqual(['link', 'parse-error', 'link', 'link', 'scan']);
    expect(events.of('parse-error')[0]).toMatchObject({ reason: SCAN_ERROR_REASONS.incomplete, raw: '0104012345678901172712' });
    expect(scans(events)).toEqual([GS1]);
  });
});
