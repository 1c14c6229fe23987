import { afterEach, describe, expect, it } from 'vitest';
import {
  BI_CUT_LINE_REASON,
  BI_LINE_OVERFLOW_REASON,
  BI_PARSE_ERROR_REASONS,
  BiReaderDriver,
  type BiReaderDriverOptions,
} from '../../drivers/bi-reader/index.js';
import { createMemoryPair } from '../../drivers/transport/memory-pair.js';
import { Cleanups } from '../helpers/cleanups.js';
import { Events } from '../helpers/events.js';
import { captureLogger } from '../helpers/log-capture.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

function setup(extra: Partial<BiReaderDriverOptions> = {}) {
  const pair = createMemoryPair('bi');
  const events = new Events();
  const all = events.all;
  /** Resolves once `check` holds, now or after a later event (Events.until, with its ceiling). */
  const until = (check: () => boolean): Promise<void> => events.until(check, 'the driver counters');
  const { logger, logs } = captureLogger();
  const driver = new BiReaderDriver({
    deviceId: 'BI-01',
    transport: pair.a,
    logger,
    now: () => 1_000,
    onEvent: events.push,
    ...extra,
  });
  cleanups.add(() => driver.stop());
  const kinds = (): string[] =>
    all.filter((e) => e.kind !== 'raw' && e.kind !== 'link').map((e) => (e.kind === 'parse-error' ? `parse-error:${e.reason}` : e.kind));
  return { pair, all, until, logs, driver, kinds };
}

describe('BiReaderDriver', () => {
  it('turns lines split across chunks into events and counts them', async () => {
    const { pair, until, driver, kinds } = setup();
    await driver.start();
    const text = 'BI START well=1 lot=A1 control=1\r\nBI CAUTION well=1 code=C2 text=EARLY REMOVAL\r\nBI CONTROL well=1 result=POS\r\n';
    for (let at = 0; at < text.length; at += 5) await pair.b.write(text.slice(at, at + 5));
    await until(() => driver.counters.results === 1);
    expect(kinds()).toEqual(['bi-start', 'bi-caution', 'bi-result']);
    expect(driver.counters).toMatchObject({ lines: 3, starts: 1, cautions: 1, results: 1, parseErrors: 0 });
  });

  it('an over-long line and junk are counted and logged once per reason; records around them still arrive', async () => {
    const { pair, until, driver, kinds, logs } = setup({ maxLineBytes: 100 });
    await driver.start();
    await pair.b.write(`${'#'.repeat(300)}\r\n~~~~\r\n%%%%\r\nBI RESULT well=2 lot=Z result=NEG\r\n${'x'.repeat(200)}\n`);
    await until(() => driver.counters.overflows === 2);
    expect(kinds()).toEqual([
      `parse-error:${BI_LINE_OVERFLOW_REASON}`,
      `parse-error:${BI_PARSE_ERROR_REASONS.unrecognized}`,
      `parse-error:${BI_PARSE_ERROR_REASONS.unrecognized}`,
      'bi-result',
      `parse-error:${BI_LINE_OVERFLOW_REASON}`,
    ]);
    expect(logs.filter((l) => l.level === 40 && l.msg.startsWith('unparsed line'))).toHaveLength(2);
    expect(driver.counters).toMatchObject({ overflows: 2, parseErrors: 2, results: 1 });
  });

  it('a line cut by a disconnect is reported, never parsed (it could read as a record of the wrong lot)', async () => {
    const { pair, until, driver, kinds, all } = setup();
    await driver.start();
    await pair.b.write('BI RESULT well=2 result=NEG lot=A23');
    await until(() => driver.counters.bytes > 0);
    pair.disconnect('gone');
    pair.connect();
    await pair.b.write('01 *55\r\nBI RESULT well=4 lot=A2301 result=NEG\r\n');
    await until(() => driver.counters.results === 1);
    expect(kinds()).toEqual([`parse-error:${BI_CUT_LINE_REASON}`, `parse-error:${BI_PARSE_ERROR_REASONS.checksum}`, 'bi-result']);
    expect(all.find((e) => e.kind === 'parse-error')).toMatchObject({ raw: 'BI RESULT well=2 result=NEG lot=A23' });
    expect(all.find((e) => e.kind === 'bi-result')).toMatchObject({ well: '4', lot: 'A2301' });
  });

  it('a throwing event handler is logged, the stream goes on', async () => {
    const { pair, driver, logs } = setup({
      onEvent: () => {
        throw new Error('boom');
      },
    });
    await driver.start();
    await pair.b.write('BI START well=1 lot=A\r\n');
    await new Promise((r) => setImmediate(r));
    expect(logs.some((l) => l.level === 50 && l.msg === 'event handler threw')).toBe(true);
  });
});
