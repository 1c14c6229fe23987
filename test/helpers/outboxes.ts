// Every outbox the publisher can drain, behind one face, so that the publisher's integration tests are one
// contract run over each OutboxSource (as transport-contract.test.ts is for transports): MemoryOutbox, the
// reference, and the store's SQLite record log, which is what the gateway drains (real signed records,
// delivered state in the database; its outbox view, which shows a record once an fsync made it durable).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { MemoryOutbox } from '../../gateway/publish/memory-outbox.js';
import type { OutboxSource } from '../../gateway/publish/outbox-source.js';
import { withSynchronous } from '../../gateway/store/database.js';
import { RECORD_SCHEMA, type RecordType, type SignedRecord } from '../../gateway/store/record.js';
import { Store } from '../../gateway/store/store.js';

export const OUTBOX_KINDS = ['memory', 'sqlite'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface TestOutbox {
  readonly kind: OutboxKind;
  /** What the publisher drains. */
  readonly source: OutboxSource;
  /** Appends the records with seqs `from`..`to`, in order, after the last one held. */
  fill(from: number, to: number): void;
  /** The record with this seq as held (what a consumer must receive). */
  get(seq: number): SignedRecord | undefined;
  isDelivered(seq: number): boolean;
  deliveredCount(): number;
  /** Seqs not yet delivered, ascending. */
  undelivered(): number[];
  close(): void;
}

export interface OutboxOptions {
  site: string;
  gateway: string;
  /** Record type of each seq. */
  type: (seq: number) => RecordType;
  /** Record body of each seq. Default `{ n: seq }`. */
  body?: (seq: number) => Record<string, unknown>;
}

/** A fresh, empty outbox of this kind; close() it at the end of the test. */
export function makeOutbox(kind: OutboxKind, opts: OutboxOptions): TestOutbox {
  const body = opts.body ?? ((seq: number) => ({ n: seq }));
  return kind === 'memory' ? memoryOutbox(opts, body) : sqliteOutbox(opts, body);
}

function memoryOutbox(opts: OutboxOptions, body: (seq: number) => Record<string, unknown>): TestOutbox {
  const outbox = new MemoryOutbox();
  const record = (seq: number): SignedRecord => ({
    schema: RECORD_SCHEMA,
    id: randomUUID(),
    seq,
    type: opts.type(seq),
    ts: new Date().toISOString(),
    site: opts.site,
    gateway: opts.gateway,
    body: body(seq),
    prevHash: '0'.repeat(64),
    hash: seq.toString(16).padStart(64, '0'),
    sig: 'c2lnbmF0dXJl',
    keyId: '0123456789abcdef',
  });
  return {
    kind: 'memory',
    source: outbox,
    fill: (from, to) => {
      for (let s = from; s <= to; s++) outbox.add(record(s));
    },
    get: (seq) => outbox.range(seq, seq, 1)[0],
    isDelivered: (seq) => outbox.isDelivered(seq),
    deliveredCount: () => outbox.deliveredCount(),
    undelivered: () => outbox.undelivered(),
    close: () => undefined,
  };
}

function sqliteOutbox(opts: OutboxOptions, body: (seq: number) => Record<string, unknown>): TestOutbox {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-outbox-'));
  const store = new Store({ dataDir, site: opts.site, gateway: opts.gateway, logger: pino({ level: 'silent' }) });
  store.start();
  const records = store.records;
  return {
    kind: 'sqlite',
    source: records.outbox, // what the gateway drains: durable records only
    fill: (from, to) => {
      // One transaction per burst, as a busy gateway commits them; each record signed and chained.
      withSynchronous(store.db, 'FULL', () =>
        store.db
          .transaction(() => {
            for (let s = from; s <= to; s++) {
              const r = records.append({ type: opts.type(s), body: body(s) });
              if (r.seq !== s) throw new Error(`the store gave seq ${r.seq} where the test expected ${s}`);
            }
          })
          .immediate(),
      );
    },
    get: (seq) => records.get(seq),
    isDelivered: (seq) => seq >= 1 && seq <= records.count() && records.pending(seq - 1, 1)[0]?.seq !== seq,
    deliveredCount: () => records.count() - records.pendingCount(),
    undelivered: () => records.pending(0, Number.MAX_SAFE_INTEGER).map((r) => r.seq),
    close: () => {
      store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
