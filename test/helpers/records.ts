// Synthetic signed records and a publisher around a MemoryOutbox, for the tests (and the bench) that are
// about moving records through brokers, not about what a record says. No vitest imports.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import pino from 'pino';
import { MemoryOutbox } from '../../gateway/publish/memory-outbox.js';
import { MqttPublisher, type PublisherContext } from '../../gateway/publish/mqtt-publisher.js';
import { RECORD_SCHEMA, type SignedRecord } from '../../gateway/store/record.js';

export interface FakeRecordOptions {
  site: string;
  gateway: string;
  /** Default: every third a `cycle`, the others `scan`. */
  type?: SignedRecord['type'];
  device?: string;
  /** Bytes of padding in the body (a real cycle record with its curve is ~10–50 KB). Default 200. */
  padBytes?: number;
}

export function fakeRecord(seq: number, o: FakeRecordOptions): SignedRecord {
  return {
    schema: RECORD_SCHEMA,
    id: randomUUID(),
    seq,
    type: o.type ?? (seq % 3 === 0 ? 'cycle' : 'scan'),
    ts: new Date().toISOString(),
    site: o.site,
    gateway: o.gateway,
    ...(o.device ? { device: o.device } : {}),
    body: { n: seq, madeAt: Date.now(), pad: 'x'.repeat(o.padBytes ?? 200) },
    prevHash: '0'.repeat(64),
    hash: seq.toString(16).padStart(64, '0'),
    sig: 'c2lnbmF0dXJl',
    keyId: '0123456789abcdef',
  };
}

/** A MemoryOutbox that makes its own records. */
export class FakeOutbox extends MemoryOutbox {
  private next = 1;
  constructor(private readonly o: FakeRecordOptions) {
    super();
  }
  /** Appends `n` records with the next seqs; returns them. */
  fill(n: number): SignedRecord[] {
    const made = Array.from({ length: n }, () => fakeRecord(this.next++, this.o));
    this.add(...made);
    return made;
  }
}

/** A publisher of `outbox` for `site`/`gateway`, silent, reconnecting quickly (100 ms to 1 s); any context field can be overridden. */
export function fakePublisher(o: Pick<PublisherContext, 'url' | 'site' | 'gateway' | 'outbox'> & Partial<PublisherContext>): MqttPublisher {
  return new MqttPublisher({
    clientId: `pub-${o.gateway}-${randomUUID().slice(0, 8)}`,
    protocolVersion: 5,
    logger: pino({ level: 'silent' }),
    status: () => ({ version: 'test', startedAt: '2030-01-01T00:00:00.000Z', keyId: 'k', publicKey: 'p' }),
    reconnect: { initialMs: 100, maxMs: 1000 },
    ...o,
  });
}

/**
 * A fake outbox and its publisher to `url`, started and online; `stopLater` is handed the publisher's stop
 * (the test's cleanup list).
 */
export async function onlineFakePublisher(
  o: { url: string; site: string; gateway: string },
  stopLater: (stop: () => Promise<void>) => void,
): Promise<{ pub: MqttPublisher; outbox: FakeOutbox }> {
  const outbox = new FakeOutbox(o);
  const pub = fakePublisher({ ...o, outbox });
  stopLater(() => pub.stop());
  await pub.start();
  await once(pub, 'online');
  return { pub, outbox };
}

/** The records among received messages, by seq (the last copy of each). */
export function recordsBySeq(messages: ReadonlyArray<{ topic: string; json: unknown }>): Map<number, SignedRecord> {
  const out = new Map<number, SignedRecord>();
  for (const m of messages) if (m.topic.includes('/records/')) out.set((m.json as SignedRecord).seq, m.json as SignedRecord);
  return out;
}

/** Seqs from 1 to `last` that are missing. */
export function missingSeqs(have: ReadonlySet<number> | ReadonlyMap<number, unknown>, last: number): number[] {
  const out: number[] = [];
  for (let s = 1; s <= last; s++) if (!have.has(s)) out.push(s);
  return out;
}
