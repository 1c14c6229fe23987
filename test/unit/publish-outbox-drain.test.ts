// The drain's rules with an in-memory outbox and a send() whose acknowledgements the test controls.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FlightWindow } from '../../gateway/publish/flight-window.js';
import { MemoryOutbox } from '../../gateway/publish/memory-outbox.js';
import { OutboxDrain } from '../../gateway/publish/outbox-drain.js';
import { RECORD_SCHEMA, type SignedRecord } from '../../gateway/store/record.js';
import { Backoff } from '../../vocabulary/backoff.js';
import { until } from '../helpers/until.js';

function record(seq: number): SignedRecord {
  return { schema: RECORD_SCHEMA, id: randomUUID(), seq, type: 'scan', ts: '', site: 's', gateway: 'g', body: {}, prevHash: '', hash: '', sig: '', keyId: '' };
}

interface Sent {
  seq: number;
  ack(): void;
  fail(e?: Error): void;
}

function setup(count: number, capacity: number, outbox = new MemoryOutbox()) {
  for (let s = 1; s <= count; s++) outbox.add(record(s));
  const window = new FlightWindow();
  const sent: Sent[] = [];
  const lines: string[] = [];
  const drain = new OutboxDrain({
    outbox,
    window,
    logger: pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) }),
    retry: new Backoff({ initialMs: 5, maxMs: 5, jitter: 0 }),
    fetchSize: 4,
    send: (r) =>
      new Promise<void>((resolve, reject) => {
        sent.push({ seq: r.seq, ack: resolve, fail: (e) => reject(e ?? new Error('refused')) });
      }),
  });
  window.open(capacity);
  return { outbox, window, drain, sent, lines };
}

const tick = () => new Promise((r) => setImmediate(r));
const seqs = (sent: Sent[]) => sent.map((s) => s.seq);

describe('outbox drain', () => {
  it('sends in seq order, never more than the window, and marks only what was acknowledged', async () => {
    const { outbox, drain, sent } = setup(10, 3);
    drain.resume();
    expect(seqs(sent)).toEqual([1, 2, 3]);
    sent[1]!.ack(); // out-of-order acknowledgement
    await tick();
    expect(outbox.isDelivered(2)).toBe(true);
    expect(outbox.isDelivered(1)).toBe(false);
    expect(seqs(sent)).toEqual([1, 2, 3, 4]);
    for (let i = 0; i < 30 && outbox.deliveredCount() < 10; i++) {
      for (const s of sent) s.ack();
      await tick();
    }
    expect(seqs(sent)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(outbox.undelivered()).toEqual([]);
    expect(drain.stats).toMatchObject({ delivered: 10, sent: 10, refused: 0 });
  });

  it('after a lost connection starts again from the oldest undelivered record', async () => {
    const { outbox, window, drain, sent } = setup(6, 3);
    drain.resume();
    sent[0]!.ack();
    await tick();
    expect(seqs(sent)).toEqual([1, 2, 3, 4]);
    // The connection dies with 2, 3, 4 in flight.
    window.close();
    drain.suspend();
    sent[2]!.ack(); // a PUBACK that made it just before: the broker has seq 3
    for (const s of sent.slice(1)) s.fail(new Error('connection closed'));
    await tick();
    expect(outbox.undelivered()).toEqual([2, 4, 5, 6]);
    window.open(3);
    drain.resume();
    expect(seqs(sent.slice(4))).toEqual([2, 4, 5]);
    expect(window.inFlight).toBe(3);
    expect(drain.stats.refused).toBe(0); // failures of a dead connection are not refusals
  });

  it('pauses after a refusal, logs it once, and retries from the oldest undelivered record', async () => {
    const { outbox, drain, sent, lines } = setup(3, 3);
    drain.resume();
    sent[0]!.fail(new Error('Publish error: Not authorized'));
    sent[1]!.ack();
    sent[2]!.ack();
    await tick();
    expect(outbox.undelivered()).toEqual([1]);
    const paused = () => lines.filter((l) => l.includes('outbox drain paused')).length;
    expect(paused()).toBe(1);
    await until(() => sent.length === 4, 5000, 'the resend', 2); // after the 5 ms retry delay
    expect(seqs(sent)).toEqual([1, 2, 3, 1]);
    sent[3]!.ack();
    await tick();
    expect(outbox.undelivered()).toEqual([]);
    expect(lines.some((l) => l.includes('outbox drain recovered'))).toBe(true);
    expect(drain.stats.refused).toBe(1);
  });

  it('keeps going when markDelivered throws, and says so once', async () => {
    const outbox = new (class extends MemoryOutbox {
      override markDelivered(): void {
        throw new Error('SQLITE_IOERR');
      }
    })();
    const { drain, sent, lines } = setup(3, 1, outbox);
    drain.resume();
    for (let i = 0; i < 3; i++) {
      sent[i]!.ack();
      await tick();
    }
    expect(seqs(sent)).toEqual([1, 2, 3]);
    expect(drain.stats).toMatchObject({ delivered: 3, markFailures: 3 });
    expect(lines.filter((l) => l.includes('markDelivered failed')).length).toBe(1);
  });
});
