// The simulated BI reader as a TCP "serial device server", read by the bi-reader driver over a real
// TcpTransport: vials placed in-process (the demo's API) come back as start, control, result and
// caution events with the reader's (accelerated) clock; line noise is counted, never fatal.
import { afterEach, describe, expect, it } from 'vitest';
import { BI_LINE_OVERFLOW_REASON, BI_PARSE_ERROR_REASONS, BiReaderDriver } from '../../drivers/bi-reader/index.js';
import { TcpTransport } from '../../drivers/transport/tcp-transport.js';
import { type BiReaderControl, type BiReaderSimulatorOptions, runBiReaderSimulator } from '../../simulators/bi-reader-simulator.js';
import { Cleanups } from '../helpers/cleanups.js';
import { Events } from '../helpers/events.js';
import { captureLogger, FAST, startBiDriver } from './scanner-bi-harness.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const START = Date.parse('2026-11-27T08:00:00Z');
const MIN = 60_000;

async function setup(extra: Partial<BiReaderSimulatorOptions> = {}) {
  const ac = new AbortController();
  let ready: (v: { port: number; reader: BiReaderControl }) => void = () => undefined;
  const readyP = new Promise<{ port: number; reader: BiReaderControl }>((resolve) => (ready = resolve));
  const sim = runBiReaderSimulator({
    tcpPort: 0,
    speed: 1200,
    script: [],
    keepRunning: true,
    startTime: START,
    signal: ac.signal,
    onReady: ({ tcpPort, reader }) => ready({ port: tcpPort ?? -1, reader }),
    ...extra,
  });
  cleanups.add(async () => {
    ac.abort();
    await sim;
  });
  const { port, reader } = await readyP;
  const { driver, events, logs } = await startBiDriver(cleanups, new TcpTransport({ host: '127.0.0.1', port, backoff: FAST }));
  return { reader, events, driver, logs, sim, ac };
}

describe('BI reader simulator -> driver over TCP', () => {
  it('a positive control, a negative vial and an early removal arrive as events on the reader clock', async () => {
    const { reader, events, driver } = await setup();
    reader.placeVial(1, 'A2301', 'CTL-0001', { control: true });
    reader.placeVial(2, 'A2301', 'SN0001');
    reader.placeVial(3, 'A2301', 'SN0002', { removeEarly: true });
    expect(() => reader.placeVial(2, 'A2301')).toThrow(/well 2 still holds a vial/);
    expect(reader.freeWell()).toBe('4');
    await events.until((all) => all.filter((e) => e.kind === 'bi-result').length === 3, 'three results');

    const starts = events.of('bi-start');
    expect(starts.map((s) => [s.well, s.lot, s.vial, s.control, s.product, s.readoutMin])).toEqual([
      ['1', 'A2301', 'CTL-0001', true, '1492V', 24],
      ['2', 'A2301', 'SN0001', false, '1492V', 24],
      ['3', 'A2301', 'SN0002', false, '1492V', 24],
    ]);
    const byWell = new Map(events.of('bi-result').map((r) => [r.well, r]));
    expect(byWell.get('1')).toMatchObject({ lot: 'A2301', result: 'positive', control: true, incubationMin: 12, vial: 'CTL-0001' });
    expect(byWell.get('2')).toMatchObject({ lot: 'A2301', result: 'negative', control: false, incubationMin: 24, vial: 'SN0001' });
    expect(byWell.get('3')).toMatchObject({ lot: 'A2301', result: 'invalid', caution: 'C2', vial: 'SN0002' });
    // the reader's clock: 24 simulated minutes between start and read, whatever the real time was
    const s2 = starts[1]!;
    expect(byWell.get('2')!.readAt - s2.startedAt).toBe(24 * MIN);
    expect(s2.startedAt).toBeGreaterThanOrEqual(START);
    expect(events.of('bi-caution')).toEqual([expect.objectContaining({ well: '3', code: 'C2', text: 'EARLY REMOVAL', lot: 'A2301', vial: 'SN0002' })]);
    expect(events.of('bi-caution')[0]!.at - starts[2]!.startedAt).toBe(10 * MIN);
    // the reader reports a positive early (the control, at 12 min) and a lost vial 10 s after its removal
    expect(events.of('bi-result').map((r) => r.well)).toEqual(['3', '1', '2']);
    expect(events.count('parse-error')).toBe(0);
    for (const r of events.of('raw')) expect(r.line).toMatch(/^BI [A-Z]+ .* \*[0-9A-F]{2}$/);
    expect(driver.counters).toMatchObject({ starts: 3, results: 3, cautions: 1, parseErrors: 0, overflows: 0 });
  });

  it('line noise and a 5000-byte line are counted and logged once; every record still arrives', async () => {
    const { reader, events, driver, logs } = await setup({ garbage: true, seed: 3, incubationMin: 5 });
    for (let w = 1; w <= 8; w++) reader.placeVial(w, 'B7', `V${w}`, w === 1 ? { control: true } : {});
    await events.until((all) => all.filter((e) => e.kind === 'bi-result').length === 8, 'eight results');
    expect(events.of('bi-result').filter((r) => r.result === 'negative')).toHaveLength(7);
    expect(events.count('bi-start')).toBe(8);
    const reasons = events.of('parse-error').map((e) => e.reason);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons).toContain(BI_LINE_OVERFLOW_REASON);
    for (const r of reasons) expect([BI_LINE_OVERFLOW_REASON, BI_PARSE_ERROR_REASONS.unrecognized, BI_PARSE_ERROR_REASONS.syntax]).toContain(r);
    expect(driver.counters.overflows).toBe(1);
    for (const r of new Set(reasons)) expect(logs.filter((l) => l.level === 40 && l.reason === r)).toHaveLength(1);
  });

  it('the script plays by itself once the gateway is connected, and the run ends when its wells are read', async () => {
    const events = new Events();
    const { logger } = captureLogger();
    await runBiReaderSimulator({
      tcpPort: 0,
      speed: 3000,
      startTime: START,
      waitForClient: true,
      script: [
        { atS: 0, well: 5, lot: 'C9', control: true },
        { atS: 60, well: 6, lot: 'C9', vial: 'SN9' },
      ],
      onReady: async ({ tcpPort }) => {
        const driver = new BiReaderDriver({
          deviceId: 'BI-02',
          transport: new TcpTransport({ host: '127.0.0.1', port: tcpPort ?? -1, backoff: FAST }),
          logger,
          now: Date.now,
          onEvent: events.push,
        });
        cleanups.add(() => driver.stop());
        await driver.start();
      },
    });
    await events.until((all) => all.filter((e) => e.kind === 'bi-result').length === 2, 'two results');
    expect(events.of('raw')[0]?.line).toMatch(/^BI READER /);
    expect(events.of('bi-start').map((s) => [s.well, s.startedAt - START])).toEqual([
      ['5', 0],
      ['6', 60_000],
    ]);
    expect(events.of('bi-result').map((r) => [r.well, r.result, r.control, r.readAt - START])).toEqual([
      ['5', 'positive', true, 12 * MIN],
      ['6', 'negative', false, 60_000 + 24 * MIN],
    ]);
  });
});
