import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LinkReporter } from '../../drivers/support/link-reporter.js';
import { safeEmitter } from '../../drivers/support/safe-emit.js';
import { TransportSession } from '../../drivers/support/transport-session.js';
import { WarnOncePerReason } from '../../drivers/support/warn-once.js';
import type { Transport, TransportHandlers } from '../../drivers/transport/transport.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';

interface LogLine {
  level: number;
  msg: string;
  reason?: string;
  raw?: string;
  transport?: string;
  error?: string;
  max?: number;
}

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
    expect(logs.map((l) => [l.level, l.reason, l.msg.startsWith('unparsed line')])).toEqual([
      [40, 'junk', true],
      [20, 'junk', true],
      [40, 'other', true],
    ]);
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
    expect(logs.map((l) => [l.level, l.msg, l.transport, l.error])).toEqual([
      [30, 'link up', 'tcp://x:1', undefined],
      [40, 'link down', 'tcp://x:1', 'ECONNRESET'],
    ]);
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

describe('TransportSession', () => {
  it('passes bytes and link drops to the driver until stop() has begun, and stops the transport once', async () => {
    const { log } = capture();
    let handlers: TransportHandlers | undefined;
    let stops = 0;
    const transport: Transport = {
      description: 'fake',
      start: async (h) => void (handlers = h),
      write: async () => undefined,
      stop: async () => void stops++,
    };
    const events: DeviceEvent[] = [];
    const seen: string[] = [];
    const session = new TransportSession({ deviceId: 'D-1', transport, log, now: () => 1, onEvent: (e) => events.push(e) });
    await session.open({ onData: (chunk) => seen.push(chunk.toString()), onDown: () => seen.push('down') });
    handlers?.onData(Buffer.from('abc'));
    handlers?.onLink({ connected: false, error: 'gone' });
    expect(seen).toEqual(['abc', 'down']);
    expect(events).toEqual([{ kind: 'link', deviceId: 'D-1', ts: 1, connected: false, error: 'gone' }]);
    const stopping = session.stop();
    expect(session.stop()).toBe(stopping);
    await stopping;
    expect([session.stopped, stops]).toEqual([true, 1]);
    handlers?.onData(Buffer.from('late'));
    handlers?.onLink({ connected: true });
    expect(seen).toEqual(['abc', 'down']);
    expect(events).toHaveLength(1);
  });
});
