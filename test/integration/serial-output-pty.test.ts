// The simulators' serial output over a real socat PTY pair: a catch-up burst (every chunk that fell due
// while the simulator's process stalled, written at once) reaches a reader whole, while a peer that does not
// read at all costs bounded memory: past the pending limit, chunks are dropped, counted and logged once; and a
// flush says "done" only when the last chunk has reached the PTY, so a simulator that closes after it loses nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PENDING_BYTES } from '../../simulators/output/byte-output.js';
import { createSerialOutput } from '../../simulators/output/serial-output.js';
import { Cleanups, tempDir } from '../helpers/cleanups.js';
import { ptyPaths, startPty } from '../helpers/process.js';
import { openSerialReader } from '../helpers/serial-reader.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const LINE = Buffer.from('  00:12:34  134.2 C  3.04 bar  STERILIZING\r\n', 'latin1');
const linesOf = (bytes: number): Buffer[] => Array.from({ length: Math.ceil(bytes / LINE.length) }, () => LINE);

async function openOutput(): Promise<{ out: ReturnType<typeof createSerialOutput>; logs: string[]; gw: string; closePty: () => Promise<void> }> {
  const pty = await startPty(ptyPaths(await tempDir(cleanups, 'serial-output-'), 'out'));
  cleanups.add(pty.close);
  const logs: string[] = [];
  const out = createSerialOutput({ path: pty.dev, baudRate: 9600, log: (l) => logs.push(l) });
  await out.start();
  cleanups.add(() => out.close());
  return { out, logs, gw: pty.gw, closePty: pty.close };
}

describe('serial output on a PTY', () => {
  it('delivers a 512 KiB catch-up burst whole to a reader', async () => {
    const { out, logs, gw } = await openOutput();
    const reader = await openSerialReader(gw);
    cleanups.add(reader.close);
    const chunks = linesOf(512 * 1024);
    for (const c of chunks) out.write(c);
    const total = chunks.length * LINE.length;
    await reader.waitFor((b) => b.length >= total, `${total} bytes`);
    expect(reader.bytes().equals(Buffer.concat(chunks))).toBe(true);
    expect(out.droppedBytes).toBe(0);
    expect(logs.filter((l) => l.includes('not reading'))).toEqual([]);
  });

  it('drops, counts and logs once what a peer that never reads would pile up past the limit', async () => {
    const { out, logs } = await openOutput();
    const total = 3 * DEFAULT_MAX_PENDING_BYTES;
    for (const c of linesOf(total)) out.write(c);
    // what the kernel's two PTY buffers and socat took is not pending; everything past the limit is dropped
    expect(out.droppedBytes).toBeGreaterThan(total - DEFAULT_MAX_PENDING_BYTES - 256 * 1024);
    expect(out.droppedBytes % LINE.length).toBe(0);
    expect(logs.filter((l) => l.includes('peer not reading, dropping output'))).toHaveLength(1);
  });

  it('flushes only once every chunk has reached the PTY: not before a peer that does not read takes them, then all of them', async () => {
    const { out, gw } = await openOutput();
    const reader = await openSerialReader(gw, 9600, { paused: true });
    cleanups.add(reader.close);
    // More than the PTYs and socat hold: the tail waits in the serial stream until the reader reads.
    const chunks = linesOf(512 * 1024);
    for (const c of chunks) out.write(c);
    // serialport's drain alone would say "drained" after the first chunk; the flush must not.
    expect(await out.flush(300)).toBe(false);
    reader.resume();
    expect(await out.flush(20_000)).toBe(true);
    // Closed right after the flush (as a simulator does at the end of its run): nothing is lost.
    await out.close();
    const total = chunks.length * LINE.length;
    await reader.waitFor((b) => b.length >= total, `${total} bytes`);
    expect(reader.bytes().equals(Buffer.concat(chunks))).toBe(true);
  });

  it('a flush that loses its link on the way says false as soon as the link is gone, not at its timeout', async () => {
    const { out, gw, closePty } = await openOutput();
    const reader = await openSerialReader(gw, 9600, { paused: true });
    cleanups.add(reader.close);
    for (const c of linesOf(512 * 1024)) out.write(c);
    // The timeout is longer than the test's: a flush that waited for it would fail the test.
    const flushed = out.flush(120_000);
    await closePty(); // socat ends: the PTY is gone under the queued chunks
    expect(await flushed).toBe(false);
  });
});
