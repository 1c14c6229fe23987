// An array-backed OutboxSource: the reference implementation of the interface, used by the publisher's
// tests and bench and by anything that wants to run the publisher without the SQLite store. Not durable.
import type { SignedRecord } from '../store/record.js';
import type { OutboxSource } from './outbox-source.js';

export class MemoryOutbox implements OutboxSource {
  private readonly records: SignedRecord[] = [];
  private readonly delivered = new Set<number>();
  /** Index of the first record that may still be undelivered; keeps `pending` cheap on long runs. */
  private low = 0;

  /** Appends records; their seqs must be ascending and above every seq already held. */
  add(...records: SignedRecord[]): void {
    for (const r of records) {
      const last = this.records[this.records.length - 1];
      if (last && r.seq <= last.seq) throw new RangeError(`seq ${r.seq} not above ${last.seq}`);
      this.records.push(r);
    }
  }

  get size(): number {
    return this.records.length;
  }

  isDelivered(seq: number): boolean {
    return this.delivered.has(seq);
  }

  deliveredCount(): number {
    return this.delivered.size;
  }

  undelivered(): number[] {
    return this.records.filter((r) => !this.delivered.has(r.seq)).map((r) => r.seq);
  }

  pending(afterSeq: number, limit: number): SignedRecord[] {
    while (this.low < this.records.length && this.delivered.has(this.records[this.low]!.seq)) this.low++;
    const out: SignedRecord[] = [];
    for (let i = this.firstIndexAbove(afterSeq, this.low); i < this.records.length && out.length < limit; i++) {
      const r = this.records[i]!;
      if (!this.delivered.has(r.seq)) out.push(r);
    }
    return out;
  }

  markDelivered(seq: number): void {
    this.delivered.add(seq);
  }

  range(fromSeq: number, toSeq: number, limit: number): SignedRecord[] {
    const out: SignedRecord[] = [];
    for (let i = this.firstIndexAbove(fromSeq - 1, 0); i < this.records.length && out.length < limit; i++) {
      const r = this.records[i]!;
      if (r.seq > toSeq) break;
      out.push(r);
    }
    return out;
  }

  /** Binary search: the index of the first record with seq > `seq`, searching from `from`. */
  private firstIndexAbove(seq: number, from: number): number {
    let lo = from;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.records[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
