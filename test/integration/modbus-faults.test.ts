// Faults injected by the simulated device, seen through the driver over real sockets: no reply (link
// down, then back), exception responses (logged once, link stays), a dropped connection, a frozen
// temperature register (stale-sensor alarm, readings invalid while it lasts).
import { afterEach, describe, expect, it } from 'vitest';
import type { ModbusSimulatorOptions } from '../../simulators/modbus-machine.js';
import { bareModbusTcpDevice, captureLogger, cleanup, isLink, startDriver, startSimulator, tcpLink } from '../helpers/modbus.js';
import { until } from '../helpers/until.js';

afterEach(cleanup);

/** The simulated steam-134-4 autoclave on Modbus TCP at 100x, with `fault` from `atS` for `forS` simulated seconds. */
const faultyAutoclave = (fault: ModbusSimulatorOptions['fault'], atS: number, forS: number) =>
  startSimulator({ kind: 'autoclave', modbusTcpPort: 0, program: 'steam-134-4', speed: 100, cycles: 1, fault, faultAtS: atS, faultForS: forS });

describe('modbus faults over TCP', () => {
  it('timeout: no replies -> link down once (message names unit, function and address), then it recovers', async () => {
    // 150 simulated s without replies from t = 30 s of the cycle: 1.5 s at 100x
    const sim = await faultyAutoclave('timeout', 30, 150);
    const { logger, lines } = captureLogger();
    const { events, driver } = await startDriver({ deviceId: 'AC-04', link: tcpLink(sim.tcpPort), unitId: 1, pollMs: 20, timeoutMs: 100, logger });
    const down = await events.next(isLink(false), 'link down');
    expect(down).toMatchObject({
      connected: false,
      error: expect.stringMatching(/unit 1 did not answer function 4 \(read input registers\) at address 0, 14 registers, within 100 ms/),
    });
    await events.next(isLink(true), 'link up again', 25_000, 2);
    await events.next((e) => e.kind === 'sample' && e.phase === 'heating', 'samples after recovery');
    expect(events.of('link').map((e) => e.connected)).toEqual([true, false, true]);
    expect(driver.counters.timeouts).toBeGreaterThanOrEqual(2);
    // one warning for the whole episode, one line when it ends
    expect(lines.filter((l) => l.health === 'timeout')).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'polls answered again')).toHaveLength(1);
    // backoff: far fewer polls were spent on the silent unit than a fixed 20 ms rate would have
    expect(driver.counters.timeouts).toBeLessThan(10);
  });

  it('exception responses: logged once, link stays up, polling keeps its rate, then data again', async () => {
    const sim = await faultyAutoclave('exception', 30, 100);
    const { logger, lines } = captureLogger();
    const { events, driver } = await startDriver({ deviceId: 'AC-05', link: tcpLink(sim.tcpPort), unitId: 1, pollMs: 20, timeoutMs: 200, logger });
    await events.next((e) => e.kind === 'sample' && e.phase === 'conditioning', 'a first sample');
    const exceptionLog = () => lines.filter((l) => l.health === 'exception-4');
    await until(() => exceptionLog().length > 0, 25_000, 'the exception to be logged');
    await until(() => lines.some((l) => l.msg === 'polls answered again'), 25_000, 'recovery');
    expect(exceptionLog()).toHaveLength(1);
    expect(exceptionLog()[0]?.msg).toMatch(/unit 1 answered function 4 .* with exception 4 \(slave device failure\)/);
    expect(driver.counters.exceptions).toBeGreaterThan(10);
    expect(events.of('link').map((e) => e.connected)).toEqual([true]);
  });

  it('disconnect: the device drops the connection and stops listening; link down, reconnect, link up', async () => {
    const sim = await faultyAutoclave('disconnect', 30, 60);
    const { logger, lines } = captureLogger();
    const { events } = await startDriver({
      deviceId: 'AC-06',
      link: tcpLink(sim.tcpPort),
      unitId: 1,
      pollMs: 20,
      timeoutMs: 200,
      logger,
      reconnectBackoff: { initialMs: 50, maxMs: 400, factor: 2, jitter: 0.2 },
    });
    await events.next(isLink(false), 'link down');
    await events.next(isLink(true), 'link up again', 25_000, 2);
    await events.next((e) => e.kind === 'sample' && e.ts > (events.of('link')[1]?.ts ?? 0), 'a sample after reconnecting');
    expect(lines.filter((l) => l.msg === 'link down' && l.link !== undefined)).toHaveLength(1);
  });

  it('reset: the device resets the connection mid-request (TCP RST); link down once, reconnect, link up', async () => {
    // The reset the disconnect fault above causes now and then, when it destroys a socket with a request unread;
    // here at a fixed request. modbus-serial reports no close for it (see client.ts).
    const d = await bareModbusTcpDevice(({ connection, request }) => (connection === 1 && request === 6 ? 'reset' : 'answer'));
    const { logger, lines } = captureLogger();
    const { events, driver } = await startDriver({
      deviceId: 'AC-08',
      link: tcpLink(d.port),
      unitId: 1,
      pollMs: 20,
      timeoutMs: 200,
      logger,
      reconnectBackoff: { initialMs: 50, maxMs: 400, factor: 2, jitter: 0.2 },
    });
    await events.next(isLink(false), 'link down', 5000);
    await events.next(isLink(true), 'link up again', 5000, 2);
    expect(events.of('link').map((e) => e.connected)).toEqual([true, false, true]);
    expect(lines.filter((l) => l.msg === 'link down' && l.link !== undefined)).toMatchObject([{ error: 'connection lost' }]);
    expect(driver.counters.timeouts).toBe(0);
    expect(d.connections).toBe(2);
  });

  it('frozen temperature register mid-plateau: one stale-sensor alarm, readings null while stuck', async () => {
    const sim = await startSimulator({ kind: 'autoclave', modbusTcpPort: 0, program: 'bowie-dick-134', speed: 150, cycles: 1, fault: 'frozen', faultForS: 60 });
    const { events } = await startDriver({ deviceId: 'AC-07', link: tcpLink(sim.tcpPort), unitId: 1, pollMs: 20, timeoutMs: 300, staleAfter: 8 });
    const alarm = await events.next((e) => e.kind === 'alarm', 'stale-sensor alarm', 28_000);
    expect(alarm).toMatchObject({ code: 'stale-sensor', text: expect.stringMatching(/for 8 samples in a row in phase sterilizing/) });
    await events.next((e) => e.kind === 'phase' && e.phase === 'exhaust', 'the plateau to end', 28_000);
    const plateau = events.of('sample').filter((s) => s.phase === 'sterilizing');
    const nulls = plateau.filter((s) => s.temp_c === null);
    expect(nulls.length).toBeGreaterThan(3);
    // readings come back once the register moves again, and only one alarm for the episode
    expect(plateau.at(-1)?.temp_c).toEqual(expect.any(Number));
    expect(events.of('alarm')).toHaveLength(1);
  });
});
