// PrinterLineDriver with the new profiles over an in-memory link: the idle clock tick that ends a
// flag-segmented cycle, a stream joined mid-cycle at start, GB18030 bytes, a summary ticket.

import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AMSCO_LS, PREVAC_TICKET_ZH, PrinterLineDriver, type PrinterLineDriverOptions, SCICAN_SUMMARY } from '../../drivers/printer-line/index.js';
import { createMemoryPair } from '../../drivers/transport/memory-pair.js';
import { Events } from '../helpers/events.js';
import { fixtureBytes, ofKind } from '../helpers/printer-line.js';

const running: PrinterLineDriver[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
});

async function setup(extra: Partial<PrinterLineDriverOptions>) {
  const pair = createMemoryPair('line');
  const events = new Events();
  const driver = new PrinterLineDriver({
    deviceId: 'AC-01',
    transport: pair.a,
    logger: pino({ level: 'silent' }),
    now: Date.now,
    onEvent: events.push,
    tzOffsetMinutes: 60,
    ...extra,
  });
  running.push(driver);
  await driver.start();
  return { pair, events, driver };
}

const amscoLines = fixtureBytes('amsco-ls.txt')
  .toString('latin1')
  .split('\r\n')
  .filter((l) => l !== '');

describe('PrinterLineDriver with amsco-ls', () => {
  it('joined mid-stream at start: no cycle-start, and the clock tick ends the cycle after the silence', async () => {
    const { pair, events } = await setup({ profile: AMSCO_LS, idleAfterMs: 150, idleCheckMs: 20 });
    await pair.b.write(`${amscoLines.slice(3, 10).join('\r\n')}\r\n`);
    await events.atLeast('cycle-end');
    expect(ofKind(events.all, 'cycle-start')).toEqual([]);
    expect(ofKind(events.all, 'cycle-end')).toMatchObject([{ status: 'ok', inferred: true }]);
    expect(ofKind(events.all, 'sample').map((s) => s.phase)).toEqual([undefined, 'sterilizing', 'sterilizing', 'sterilizing', 'exhaust', 'exhaust', 'exhaust']);
  });

  it('after a silence at start, a stream opens its cycle with a cycle-start', async () => {
    const { pair, events } = await setup({ profile: AMSCO_LS, idleAfterMs: 100, idleCheckMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    await pair.b.write(`${amscoLines.slice(0, 10).join('\r\n')}\r\n`);
    await events.atLeast('cycle-end');
    expect(ofKind(events.all, 'cycle-start')).toHaveLength(1);
    expect(
      events.all
        .filter((e) => e.kind !== 'link' && e.kind !== 'raw')
        .map((e) => e.kind)
        .slice(0, 3),
    ).toEqual(['cycle-start', 'phase', 'sample']);
  });
});

describe('PrinterLineDriver with prevac-ticket-zh', () => {
  it("decodes GB18030 by the profile's encoding, split into single bytes", async () => {
    const { pair, events } = await setup({ profile: PREVAC_TICKET_ZH });
    const bytes = fixtureBytes('prevac-ticket-zh.txt');
    for (let i = 0; i < bytes.length; i += 1) await pair.b.write(bytes.subarray(i, i + 1));
    await events.atLeast('cycle-end');
    expect(ofKind(events.all, 'parse-error')).toEqual([]);
    expect(ofKind(events.all, 'cycle-start')[0]?.info).toMatchObject({ programText: '134℃ 器械' });
  });

  it("the device's encoding setting overrides the profile's", async () => {
    const { pair, events } = await setup({ profile: PREVAC_TICKET_ZH, encoding: 'utf-8' });
    await pair.b.write(Buffer.from('结果: 合格\r\n', 'utf8'));
    await events.atLeast('parse-error');
    expect(ofKind(events.all, 'parse-error')[0]?.reason).toBe('result line outside a ticket');
  });
});

describe('PrinterLineDriver with scican-summary', () => {
  it('emits the summary just before the cycle-end at the signature line', async () => {
    const { pair, events } = await setup({ profile: SCICAN_SUMMARY });
    await pair.b.write(fixtureBytes('scican-pass.txt'));
    await events.atLeast('cycle-end');
    const kinds = events.all.map((e) => e.kind).filter((k) => k !== 'raw' && k !== 'link');
    expect(kinds).toEqual(['cycle-start', 'summary', 'cycle-end']);
  });
});
