// SerialTransport specifics on real PTYs made by socat: a port that does not exist yet, a socat that
// dies hard (SIGKILL), line settings other than 8N1. Each test awaits events; none sleeps to assert.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import type { BackoffPolicy } from '../../vocabulary/backoff.js';
import { type Proc, ptyPaths, startPty } from '../helpers/process.js';
import { TransportRecorder } from '../helpers/transport-recorder.js';

const FAST: BackoffPolicy = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 };

const socats: Proc[] = [];
const dirs: string[] = [];
const transports: SerialTransport[] = [];

function newPtyPaths() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-serial-'));
  dirs.push(dir);
  const { dev, gw } = ptyPaths(dir);
  return { device: dev, gateway: gw };
}

async function socat(device: string, gateway: string): Promise<Proc> {
  const pty = await startPty({ dev: device, gw: gateway });
  socats.push(pty.proc);
  return pty.proc;
}

async function deviceWrite(device: string, data: Buffer | string): Promise<void> {
  const fh = await fs.promises.open(device, 'r+');
  try {
    await fh.write(typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    await fh.close();
  }
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.stop()));
});
afterAll(async () => {
  for (const p of socats.splice(0)) await p.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('SerialTransport', () => {
  it('reports a missing port once, then opens it when it appears', async () => {
    const { device, gateway } = newPtyPaths();
    const links = new TransportRecorder();
    const t = new SerialTransport({ path: gateway, baudRate: 9600, backoff: FAST });
    transports.push(t);
    expect(t.description).toBe(`serial:${gateway}@9600`);
    await t.start(links.handlers);
    expect(links.states).toEqual([{ connected: false, error: expect.stringMatching(/no such file|ENOENT/i) }]);
    await socat(device, gateway);
    await links.until(() => links.states.at(-1)?.connected === true);
    await deviceWrite(device, Buffer.from('T(C) 134.2\xb0\r\n', 'latin1'));
    await links.until(() => links.text.includes('\r\n'));
    expect(links.text).toBe('T(C) 134.2\xb0\r\n');
    expect(links.states.map((s) => s.connected)).toEqual([false, true]);
  });

  it('notices a socat killed hard (SIGKILL: reads hit end of file, bindings-cpp#162) and comes back with a new one', async () => {
    const { device, gateway } = newPtyPaths();
    const first = await socat(device, gateway);
    const links = new TransportRecorder();
    const t = new SerialTransport({ path: gateway, baudRate: 9600, backoff: FAST });
    transports.push(t);
    await t.start(links.handlers);
    expect(links.states).toEqual([{ connected: true }]);
    await first.kill('SIGKILL');
    await links.until(() => links.states.length === 2);
    expect(links.states[1]).toMatchObject({ connected: false });
    // socat had no chance to remove its links: the stale symlinks must not confuse the next one.
    fs.rmSync(device, { force: true });
    fs.rmSync(gateway, { force: true });
    await socat(device, gateway);
    await links.until(() => links.states.length === 3);
    await deviceWrite(device, 'again\n');
    await links.until(() => links.text.includes('again\n'));
    expect(links.states.map((s) => s.connected)).toEqual([true, false, true]);
  });

  it('opens with line settings other than 8N1', async () => {
    const { device, gateway } = newPtyPaths();
    await socat(device, gateway);
    const links = new TransportRecorder();
    const t = new SerialTransport({ path: gateway, baudRate: 19200, dataBits: 7, parity: 'even', stopBits: 2, backoff: FAST });
    transports.push(t);
    await t.start(links.handlers);
    expect(links.states).toEqual([{ connected: true }]);
  });
});
