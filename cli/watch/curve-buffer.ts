// The running cycle's temperature curve for the chart, bounded: at most `capacity` buckets however
// long the cycle runs. When full, neighbouring buckets are merged pairwise (and later samples go two
// to a bucket), so the chart always spans the whole cycle. A bucket keeps the minimum and maximum of
// its samples, so a short excursion out of the band stays visible after any amount of merging. Pure.

export interface CurveBucket {
  /** Device time of the first and last sample in the bucket, ms. */
  t0: number;
  t1: number;
  lo: number;
  hi: number;
  /** Samples merged into this bucket. */
  count: number;
}

export class CurveBuffer {
  private readonly items: CurveBucket[] = [];
  /** Samples per bucket for new samples (doubles at each compaction). */
  private stride = 1;
  private lastTs = Number.NEGATIVE_INFINITY;

  constructor(readonly capacity = 600) {
    if (!(capacity >= 2)) throw new RangeError('capacity must be ≥ 2');
  }

  get buckets(): readonly CurveBucket[] {
    return this.items;
  }

  get length(): number {
    return this.items.length;
  }

  /** Adds a reading (device time, ms); readings out of time order are ignored. */
  add(ts: number, value: number): void {
    if (!Number.isFinite(value) || !(ts > this.lastTs)) return;
    this.lastTs = ts;
    const last = this.items.at(-1);
    if (last && last.count < this.stride) {
      last.t1 = ts;
      last.lo = Math.min(last.lo, value);
      last.hi = Math.max(last.hi, value);
      last.count++;
      return;
    }
    this.items.push({ t0: ts, t1: ts, lo: value, hi: value, count: 1 });
    if (this.items.length > this.capacity) this.compact();
  }

  private compact(): void {
    const merged: CurveBucket[] = [];
    for (let i = 0; i < this.items.length; i += 2) {
      const a = this.items[i]!;
      const b = this.items[i + 1];
      merged.push(b ? { t0: a.t0, t1: b.t1, lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi), count: a.count + b.count } : { ...a });
    }
    this.items.length = 0;
    this.items.push(...merged);
    this.stride *= 2;
  }
}
