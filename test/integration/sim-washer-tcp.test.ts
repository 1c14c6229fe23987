// The simulated washer as a TCP "serial device server": every connected client gets the ticket stream,
// which the gateway's printer-line parser reads back (with the proposed washer additions) and verifies.
import { afterEach, describe, expect, it } from 'vitest';
import { PREVAC_TICKET } from '../../drivers/printer-line/index.js';
import { getProgram, verifyCycle } from '../../gateway/verify/index.js';
import { resolveWasherSettings, washerCyclePlans } from '../../simulators/washer/washer-schedule.js';
import { runWasherSimulator, type WasherSimulatorOptions } from '../../simulators/washer-simulator.js';
import { parseTicketLines } from '../helpers/printer-line.js';
import { planBytes, START, TWO_CYCLES_FROM_99, take } from '../helpers/sim-plans.js';
import { type TcpClient, TcpClients } from '../helpers/tcp-clients.js';

const tcp = new TcpClients();
afterEach(() => tcp.destroyAll());

const streamOf = (opts: WasherSimulatorOptions, n: number): string[] =>
  take(washerCyclePlans(resolveWasherSettings(opts)), n).map((p) => planBytes(p).toString('latin1'));
const linesOf = (text: string): string[] => text.split('\r\n').filter((l) => l !== '');

/** A log sink that tells when the simulator has accepted a TCP client (its output then reaches it). */
function acceptLog(): { log: (line: string) => void; accepted: Promise<void> } {
  let resolve: () => void = () => undefined;
  const accepted = new Promise<void>((r) => {
    resolve = r;
  });
  return { log: (line) => (/client \S+ connected/.test(line) ? resolve() : undefined), accepted };
}

/** Runs the washer simulator with one TCP client, connected before the first byte goes out; `onText` sees what it received so far. */
async function runWithClient(opts: WasherSimulatorOptions, onText?: (text: string) => void): Promise<{ client: TcpClient; port: number; logs: string[] }> {
  const logs: string[] = [];
  const { log, accepted } = acceptLog();
  let client: TcpClient | undefined;
  let port = -1;
  await runWasherSimulator({
    ...opts,
    log: (l) => {
      logs.push(l);
      log(l);
    },
    onReady: async ({ tcpPort }) => {
      port = tcpPort ?? -1;
      client = tcp.connect(port, onText);
      await accepted; // the first bytes go out only after onReady settles
    },
  });
  if (client === undefined) throw new Error('the simulator never became ready');
  return { client, port, logs };
}

describe('washer simulator over TCP', () => {
  it('serves two cycles to a client from the first byte; each parses back to a cycle that verifies', async () => {
    const opts: WasherSimulatorOptions = { ...TWO_CYCLES_FROM_99, program: 'washer-a0-600', speed: 1200 };
    const { client: c, logs } = await runWithClient(opts);
    expect(logs.filter((l) => l.includes('not drained'))).toEqual([]);
    await c.closed; // the simulator ends each connection after the last byte
    const [first, second] = streamOf(opts, 2);
    expect(c.text()).toBe(first! + second!);
    expect(second!.startsWith('==== WASHER SIM-WD01  PROG 11: A0 600 INSTR ====\r\nCYCLE NO: 000100')).toBe(true);
    for (const ticket of [first!, second!]) {
      const parsed = parseTicketLines(linesOf(ticket), PREVAC_TICKET);
      expect(parsed.events.filter((e) => e.kind === 'parse-error')).toEqual([]);
      expect(verifyCycle(parsed.trace, getProgram('washer-a0-600')!).verdict).toBe('pass');
    }
  });

  it('a short-disinfect ticket read back fails disinfect_time; an abort stops the run on the signal', async () => {
    const controller = new AbortController();
    const opts: WasherSimulatorOptions = { tcpPort: 0, program: 'washer-a0-3000', fault: 'short-disinfect', speed: 1200, cycles: 0, startTime: START };
    const { client: c, port } = await runWithClient({ ...opts, signal: controller.signal }, (text) => {
      if (text.includes('RESULT: CYCLE OK\r\n')) controller.abort();
    });
    expect(controller.signal.aborted).toBe(true);
    await c.closed;
    const ticket = `${c.text().split('RESULT: CYCLE OK\r\n')[0]}RESULT: CYCLE OK\r\n`;
    const parsed = parseTicketLines(linesOf(ticket), PREVAC_TICKET);
    const r = verifyCycle(parsed.trace, getProgram('washer-a0-3000')!);
    expect(r.criteria.find((x) => x.id === 'disinfect_time')?.pass).toBe(false);
    expect(r.criteria.find((x) => x.id === 'prewash_temp')?.pass).toBe(true);
    const refused = tcp.connect(port);
    await expect(refused.connected).rejects.toThrow(/ECONNREFUSED/);
  });

  it('prints the abort alarm and RESULT: CYCLE ABORTED, read back as an aborted cycle with its code', async () => {
    const { client } = await runWithClient({ tcpPort: 0, program: 'washer-a0-3000', fault: 'abort', speed: 1200, cycles: 1, startTime: START });
    await client.closed;
    const text = client.text();
    expect(text).toContain('ALARM E41: CIRCULATION PUMP\r\n');
    const parsed = parseTicketLines(linesOf(text), PREVAC_TICKET);
    expect(parsed.events.filter((e) => e.kind === 'cycle-end')).toEqual([expect.objectContaining({ status: 'aborted', code: 'E41' })]);
    expect(verifyCycle(parsed.trace, getProgram('washer-a0-3000')!).criteria.find((x) => x.id === 'device_result')?.pass).toBe(false);
  });

  it('drops the ticket when nobody is connected, like a printer port, and still finishes', async () => {
    const logs: string[] = [];
    await runWasherSimulator({ tcpPort: 0, program: 'washer-a0-600', speed: 6000, cycles: 1, startTime: START, log: (l) => logs.push(l) });
    expect(logs.some((l) => /\d+ bytes dropped \(nothing listening\)/.test(l))).toBe(true);
    expect(logs.some((l) => l.includes('cycle 1 ended (CYCLE OK)'))).toBe(true);
  });
});
