// The simulated autoclave as a TCP "serial device server": every connected client gets the stream.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runAutoclaveSimulator, type AutoclaveSimulatorOptions } from '../../simulators/autoclave-simulator.js';
import { autoclaveCyclePlans, resolveAutoclaveSettings } from '../../simulators/steam/autoclave-schedule.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

interface Client { text(): string; closed: Promise<void>; connected: Promise<void> }
function client(port: number, onData?: (text: string) => void): Client {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let text = '';
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    onData?.(text);
  });
  return {
    text: () => text,
    closed: new Promise<void>((resolve) => socket.once('close', () => resolve())),
    connected: new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    }),
  };
}

const START = Date.UTC(2025, 5, 2, 22, 50, 0); // crosses local midnight in many time zones
const streamOf = (opts: AutoclaveSimulatorOptions, n: number): string[] => {
  const gen = autoclaveCyclePlans(resolveAutoclaveSettings(opts));
  return Array.from({ length: n }, () => gen.next().value.chunks.map((c) => c.data.toString('latin1')).join(''));
};

describe('autoclave simulator over TCP', () => {
  it('serves two clients the same stream; every cycle after connecting arrives whole', async () => {
    const opts: AutoclaveSimulatorOptions = { tcpPort: 0, program: 'bowie-dick-134', speed: 600, cycles: 2, seed: 8, startTime: START, firstCycleNo: 99, pauseBetweenS: 30 };
    const clients: Client[] = [];
    const logs: string[] = [];
    await runAutoclaveSimulator({
      ...opts,
      log: (l) => logs.push(l),
      onReady: ({ tcpPort }) => {
        clients.push(client(tcpPort ?? -1), client(tcpPort ?? -1));
      },
    });
    expect(clients).toHaveLength(2);
    expect(logs.filter((l) => l.includes('not drained'))).toEqual([]);
    await Promise.all(clients.map((c) => c.closed)); // the simulator ends each connection after the last byte
    const [first, second] = streamOf(opts, 2);
    for (const c of clients) {
      const got = c.text();
      expect((first! + second!).endsWith(got)).toBe(true);
      expect(got.endsWith(second!)).toBe(true);
      expect(second!.startsWith('==== STERILIZER SIM-AC01  PROG 7: BOWIE-DICK TEST ====\r\nCYCLE NO: 000100')).toBe(true);
    }
  });

  it('drops the ticket when nobody is connected, like a printer port, and still finishes', async () => {
    const logs: string[] = [];
    await runAutoclaveSimulator({ tcpPort: 0, program: 'leak-test', speed: 6000, cycles: 1, startTime: START, log: (l) => logs.push(l) });
    expect(logs.some((l) => /\d+ bytes dropped \(nothing listening\)/.test(l))).toBe(true);
    expect(logs.some((l) => l.includes('cycle 1 ended (CYCLE OK)'))).toBe(true);
  });

  it('stops on the abort signal and closes its port', async () => {
    const controller = new AbortController();
    let port = -1;
    let c: Client | undefined;
    const run = runAutoclaveSimulator({
      tcpPort: 0, program: 'steam-134-4', fault: 'abort', speed: 600, cycles: 0, startTime: START, signal: controller.signal,
      onReady: ({ tcpPort }) => {
        port = tcpPort ?? -1;
        c = client(port, (text) => {
          if (text.includes('RESULT: CYCLE ABORTED\r\n')) controller.abort();
        });
      },
    });
    await run;
    expect(controller.signal.aborted).toBe(true);
    expect(c?.text()).toContain('ALARM E23: STEAM SUPPLY\r\n');
    await c?.closed;
    const refused = client(port);
    await expect(refused.connected).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses a port that is taken, with a clear message', async () => {
    let port = -1;
    const controller = new AbortController();
    const first = runAutoclaveSimulator({
      tcpPort: 0, program: 'steam-134-4', speed: 1, cycles: 0, signal: controller.signal,
      onReady: ({ tcpPort }) => {
        port = tcpPort ?? -1;
      },
    });
    try {
      await expect.poll(() => port, { timeout: 5000 }).toBeGreaterThan(0);
      await expect(runAutoclaveSimulator({ tcpPort: port, program: 'steam-134-4', speed: 1, cycles: 1 })).rejects.toThrow(/cannot listen on tcp 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      controller.abort();
      await first;
    }
  });
});
