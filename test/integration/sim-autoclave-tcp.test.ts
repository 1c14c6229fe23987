// The simulated autoclave as a TCP "serial device server": every connected client gets the stream.
import { afterEach, describe, expect, it } from 'vitest';
import { type AutoclaveSimulatorOptions, runAutoclaveSimulator } from '../../simulators/autoclave-simulator.js';
import { autoclaveCyclePlans, resolveAutoclaveSettings } from '../../simulators/steam/autoclave-schedule.js';
import { planBytes, START, TWO_CYCLES_FROM_99, take } from '../helpers/sim-plans.js';
import { type TcpClient, TcpClients } from '../helpers/tcp-clients.js';

const tcp = new TcpClients();
afterEach(() => tcp.destroyAll());

const streamOf = (opts: AutoclaveSimulatorOptions, n: number): string[] =>
  take(autoclaveCyclePlans(resolveAutoclaveSettings(opts)), n).map((p) => planBytes(p).toString('latin1'));

describe('autoclave simulator over TCP', () => {
  it('serves two clients the same stream; every cycle after connecting arrives whole', async () => {
    const opts: AutoclaveSimulatorOptions = { ...TWO_CYCLES_FROM_99, program: 'bowie-dick-134', speed: 600 };
    const clients: TcpClient[] = [];
    const logs: string[] = [];
    await runAutoclaveSimulator({
      ...opts,
      log: (l) => logs.push(l),
      onReady: ({ tcpPort }) => {
        clients.push(tcp.connect(tcpPort ?? -1), tcp.connect(tcpPort ?? -1));
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
    let c: TcpClient | undefined;
    const run = runAutoclaveSimulator({
      tcpPort: 0,
      program: 'steam-134-4',
      fault: 'abort',
      speed: 600,
      cycles: 0,
      startTime: START,
      signal: controller.signal,
      onReady: ({ tcpPort }) => {
        port = tcpPort ?? -1;
        c = tcp.connect(port, (text) => {
          if (text.includes('RESULT: CYCLE ABORTED\r\n')) controller.abort();
        });
      },
    });
    await run;
    expect(controller.signal.aborted).toBe(true);
    expect(c?.text()).toContain('ALARM E23: STEAM SUPPLY\r\n');
    await c?.closed;
    const refused = tcp.connect(port);
    await expect(refused.connected).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses a port that is taken, with a clear message', async () => {
    let port = -1;
    const controller = new AbortController();
    const first = runAutoclaveSimulator({
      tcpPort: 0,
      program: 'steam-134-4',
      speed: 1,
      cycles: 0,
      signal: controller.signal,
      onReady: ({ tcpPort }) => {
        port = tcpPort ?? -1;
      },
    });
    try {
      await expect.poll(() => port, { timeout: 5000 }).toBeGreaterThan(0);
      await expect(runAutoclaveSimulator({ tcpPort: port, program: 'steam-134-4', speed: 1, cycles: 1 })).rejects.toThrow(
        /cannot listen on tcp 127\.0\.0\.1:\d+: .*EADDRINUSE/,
      );
    } finally {
      controller.abort();
      await first;
    }
  });
});
