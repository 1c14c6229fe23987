import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { DeviceEvent } from '../../drivers/device-event.js';
import { LinkReporter } from '../../drivers/driver-support/link-reporter.js';
import { safeEmitter } from '../../drivers/driver-support/safe-emit.js';
import { WarnOncePerReason } from '../../drivers/driver-support/warn-once.js';

interface LogLine { level: number; msg: string; reason?: string; raw?: string; transport?: string; error?: string; max?: number }

function capture() {
  const logs: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  return { logs, log };
}

describe('WarnOncePerReason', () => {
  it('warns on the first of each reason and logs the repeats at debug level, raw text truncated', () => {
    const { logs, log } = capture();
    const once = new WarnOncePerReason(log, 'unparsed line');
    once.warn('junk', 'x'.repeat(300), { max: 1 });
    once.warn('junk', 'y');
    once.warn('other', 'z');
    expect(logs.map((l) => [l.level, l.reason, l.msg.startsWith('unparsed line')])).toEqual([[40, 'junk', true], [20, 'junk', true], [40, 'other', true]]);
    expect(logs[0]?.msg).toContain('counted');
    expect(logs[0]?.max).toBe(1);
    expect(logs[0]?.raw?.length).toBeLessThan(300);
  });
});

describe('LinkReporter', () => {
  it('logs the change, runs onDown only when the link drops, then emits the link event', () => {
    const { logs, log } = capture();
    const events: DeviceEvent[] = [];
    const link = new LinkReporter({ deviceId: 'D-1', transport: { description: 'tcp://x:1' }, log, now: () => 7, emit: (e) => events.push(e) });
    const order: string[] = [];
    link.report({ connected: true }, () => order.push('down'));
    link.report({ connected: false, error: 'ECONNRESET' }, () => order.push(`down before ${events.length} events`));
    expect(order).toEqual(['down before 1 events']);
    expect(events).toEqual([
      { kind: 'link', deviceId: 'D-1', ts: 7, connected: true },
      { kind: 'link', deviceId: 'D-1', ts: 7, connected: false, error: 'ECONNRESET' },
    ]);
    expect(logs.map((l) => [l.level, l.msg, l.transport, l.error])).toEqual([[30, 'link up', 'tcp://x:1', undefined], [40, 'link down', 'tcp://x:1', 'ECONNRESET']]);
  });
});

describe('safeEmitter', () => {
  it('logs a throwing handler instead of passing the error on', () => {
    const { logs, log } = capture();
    const emit = safeEmitter(log, () => {
      throw new Error('boom');
    });
    expect(() => emit({ kind: 'link', deviceId: 'D-1', ts: 1, connected: true })).not.toThrow();
    expect(logs.map((l) => [l.level, l.msg])).toEqual([[50, 'event handler threw']]);
  });
});
