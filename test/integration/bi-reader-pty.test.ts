// The simulated BI reader on a real PTY pair (socat), read by the bi-reader driver through
// SerialTransport: the default demo script (a positive control, a negative vial, an early removal)
// played twice, each record arriving as its event.
import { afterEach, describe, expect, it } from 'vitest';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { runBiReaderSimulator } from '../../simulators/bi-reader-simulator.js';
import { Cleanups, tempDir, tempPtyPair } from '../helpers/cleanups.js';
import { FAST, startBiDriver } from './scanner-bi-harness.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const START = Date.parse('2026-11-27T07:30:00Z');

describe('BI reader simulator -> driver on a PTY (socat)', () => {
  it('plays the default script twice: start, control, result and caution records in order', async () => {
    const dir = await tempDir(cleanups, 'bi-pty-');
    const pty = await tempPtyPair(cleanups, dir, 'reader');
    const { events } = await startBiDriver(cleanups, new SerialTransport({ path: pty.gw, baudRate: 9600, backoff: FAST }));
    const logs: string[] = [];
    await runBiReaderSimulator({ serial: pty.dev, speed: 3000, startTime: START, rounds: 2, pauseBetweenS: 60, log: (l) => logs.push(l) });
    await events.until((all) => all.filter((e) => e.kind === 'bi-result').length === 6, 'six results');

    expect(events.count('parse-error')).toBe(0);
    expect(events.of('raw')[0]?.line).toMatch(/^BI READER id=490-SIM-0001 model=ATTEST-490-SIM wells=12 fw=4\.0\.2 \*[0-9A-F]{2}$/);
    const kinds = events.all.filter((e) => e.kind.startsWith('bi-')).map((e) => `${e.kind}:${'well' in e ? e.well : ''}`);
    // control read positive at 12:00, well 3 pulled at 02:00 + 10:00 (same instant), lost 10 s later, well 2 read at 01:00 + 24:00
    const round = ['bi-start:1', 'bi-start:2', 'bi-start:3', 'bi-result:1', 'bi-caution:3', 'bi-result:3', 'bi-result:2'];
    expect(kinds).toEqual([...round, ...round]);
    const results = events.of('bi-result');
    expect(results.slice(0, 3).map((r) => [r.well, r.result, r.control, r.caution, r.readAt - START])).toEqual([
      ['1', 'positive', true, undefined, 12 * 60_000],
      ['3', 'invalid', false, 'C2', (120 + 600 + 10) * 1000],
      ['2', 'negative', false, undefined, (60 + 24 * 60) * 1000],
    ]);
    // the second round starts a pause after the first was read out, on the reader's clock
    const secondStart = events.of('bi-start')[3]!;
    expect(secondStart.startedAt - results[2]!.readAt).toBeGreaterThanOrEqual(60_000);
    expect(logs.filter((l) => l.includes('read out'))).toHaveLength(2);
  });
});
