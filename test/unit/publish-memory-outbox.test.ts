import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../gateway/publish/memory-outbox.js';
import { RECORD_SCHEMA, type SignedRecord } from '../../gateway/store/record.js';

const record = (seq: number): SignedRecord => ({
  schema: RECORD_SCHEMA,
  id: randomUUID(),
  seq,
  type: 'audit',
  ts: '',
  site: 's',
  gateway: 'g',
  body: {},
  prevHash: '',
  hash: '',
  sig: '',
  keyId: '',
});

describe('MemoryOutbox (the OutboxSource semantics the store implements too)', () => {
  const outbox = new MemoryOutbox();
  for (const s of [1, 2, 3, 5, 8, 9]) outbox.add(record(s));
  outbox.markDelivered(1);
  outbox.markDelivered(5);

  it('pending: undelivered, above afterSeq, ascending, at most limit', () => {
    expect(outbox.pending(0, 10).map((r) => r.seq)).toEqual([2, 3, 8, 9]);
    expect(outbox.pending(3, 10).map((r) => r.seq)).toEqual([8, 9]);
    expect(outbox.pending(0, 2).map((r) => r.seq)).toEqual([2, 3]);
    expect(outbox.pending(9, 10)).toEqual([]);
  });

  it('range: delivered or not, inclusive, at most limit', () => {
    expect(outbox.range(1, 5, 10).map((r) => r.seq)).toEqual([1, 2, 3, 5]);
    expect(outbox.range(4, 100, 2).map((r) => r.seq)).toEqual([5, 8]);
    expect(outbox.range(10, 20, 5)).toEqual([]);
  });

  it('markDelivered is idempotent and ignores unknown seqs', () => {
    outbox.markDelivered(5);
    outbox.markDelivered(77);
    expect(outbox.pending(0, 10).map((r) => r.seq)).toEqual([2, 3, 8, 9]);
  });

  it('refuses seqs that do not ascend', () => {
    expect(() => outbox.add(record(9))).toThrow(RangeError);
  });
});
