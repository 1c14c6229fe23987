// The store a bench measures: the real Store in a fresh temp folder (site `bench`, gateway `gw`, a silent
// logger), started before the bench's body and closed, its folder removed, after it, whatever happens.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Store } from '../gateway/store/store.js';

export interface BenchStoreOptions {
  /** The temp folder's name prefix: `sterilink-bench-…-`. */
  prefix: string;
  /** The store's batch window for samples. */
  flushIntervalMs: number;
}

export function withBenchStore<T>(o: BenchStoreOptions, body: (store: Store) => T): T {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), o.prefix));
  const store = new Store({ dataDir, site: 'bench', gateway: 'gw', logger: pino({ level: 'silent' }), flushIntervalMs: o.flushIntervalMs });
  try {
    store.start();
    return body(store);
  } finally {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** withBenchStore() for a body that awaits (the store's WAL fsyncs and checkpoints run off the event loop). */
export async function withBenchStoreAsync<T>(o: BenchStoreOptions, body: (store: Store) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), o.prefix));
  const store = new Store({ dataDir, site: 'bench', gateway: 'gw', logger: pino({ level: 'silent' }), flushIntervalMs: o.flushIntervalMs });
  try {
    store.start();
    return await body(store);
  } finally {
    if (store.started) await store.settleWrites();
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
