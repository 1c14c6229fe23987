import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../gateway/store/canonical-json.js';
import { dbPath, withSynchronous } from '../../gateway/store/database.js';
import { GENESIS_HASH, RECORD_SCHEMA } from '../../gateway/store/record.js';
import { computeRecordHash, verifyRecord } from '../../gateway/store/record-crypto.js';
import { Store } from '../../gateway/store/store.js';
import { isGatewayError } from '../../vocabulary/errors.js';

const logger = pino({ level: 'silent' });
let dataDir: string;
let clock: number;
const open = () => {
  const s = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger, now: () => clock });
  s.start();
  return s;
};
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-store-rec-'));
  clock = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('record log', () => {
  it('chains, signs and stores records; the stored json is the returned record', () => {
    const s = open();
    const a = s.append({ type: 'cycle', device: 'AC-01', body: { verdict: 'pass', n: 1 } });
    const b = s.append({ type: 'scan', body: { raw: 'ÄÖ\u{1F600} "q"' } });
    expect(a).toMatchObject({
      schema: RECORD_SCHEMA,
      seq: 1,
      type: 'cycle',
      ts: '2026-01-02T03:04:05.678Z',
      site: 'h1',
      gateway: 'gw1',
      device: 'AC-01',
      prevHash: GENESIS_HASH,
      keyId: s.keyId,
    });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.seq).toBe(2);
    expect(b.prevHash).toBe(a.hash);
    expect('device' in b).toBe(false);
    for (const r of [a, b]) {
      expect(computeRecordHash(r)).toBe(r.hash);
      expect(verifyRecord(r, s.publicKeyInfo().publicKey)).toEqual({ ok: true });
      expect(s.records.get(r.seq)).toEqual(r);
    }
    expect(s.records.head()).toEqual({ seq: 2, hash: b.hash });
    s.close();
  });

  it('a record prepared before other records were appended chains onto the head it finds at its commit', () => {
    const s = open();
    const prepared = s.records.prepare({ type: 'cycle', device: 'AC-01', body: { verdict: 'pass', when: new Date(clock), gone: undefined } });
    expect(s.records.count()).toBe(0); // preparing stores nothing
    const between = s.append({ type: 'alarm', device: 'AC-02', body: { code: 'E1' } });
    const rec = s.records.appendPrepared(prepared, () => undefined);
    expect(rec.seq).toBe(2);
    expect(rec.prevHash).toBe(between.hash);
    expect(rec.body).toEqual({ verdict: 'pass', when: '2026-01-02T03:04:05.678Z' }); // as a consumer parses it
    expect(computeRecordHash(rec)).toBe(rec.hash);
    expect(verifyRecord(rec, s.publicKeyInfo().publicKey)).toEqual({ ok: true });
    expect(s.records.get(2)).toEqual(rec);
    expect(s.verify().ok).toBe(true);
    expect(() => s.records.prepare({ type: 'cycle', body: { t: Number.NaN } })).toThrow(/canonicalized/);
    s.close();
  });

  it('continues the chain after a restart', () => {
    let s = open();
    const first = [1, 2, 3].map((i) => s.append({ type: 'alarm', device: 'AC-01', body: { code: `E${i}` } }));
    s.close();
    s = open();
    expect(s.records.count()).toBe(3);
    const next = s.append({ type: 'alarm', device: 'AC-01', body: { code: 'E4' } });
    expect(next.seq).toBe(4);
    expect(next.prevHash).toBe(first[2]?.hash);
    expect(next.keyId).toBe(first[0]?.keyId);
    expect(s.verify().ok).toBe(true);
    s.close();
  });

  it('a committed record is visible to another connection at once (no buffering)', () => {
    const s = open();
    const r = s.append({ type: 'bi', body: { result: 'negative' } });
    const other = new Database(dbPath(dataDir), { readonly: true });
    // stored as the canonical JSON of the full signed record
    expect(other.prepare('SELECT json FROM records WHERE seq = ?').pluck().get(r.seq)).toBe(canonicalJson(r));
    other.close();
    // the connection is back at NORMAL after the FULL commit
    expect(s.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(withSynchronous(s.db, 'FULL', () => s.db.pragma('synchronous', { simple: true }))).toBe(2);
    s.close();
  });

  it('normalizes the body to JSON and refuses what is not, without using up a seq', () => {
    const s = open();
    const r = s.append({ type: 'audit', body: { at: new Date(0), gone: undefined, list: [1, undefined] }, ts: '2026-03-01T10:00:00+01:00' });
    expect(r.body).toEqual({ at: '1970-01-01T00:00:00.000Z', list: [1, null] });
    expect(r.ts).toBe('2026-03-01T09:00:00.000Z');
    const errs: unknown[] = [];
    for (const bad of [
      { type: 'audit', body: { x: NaN } },
      { type: 'nope', body: {} },
      { type: 'audit', body: [] },
      { type: 'audit', body: {}, ts: 'yesterday' },
    ]) {
      try {
        s.append(bad as never);
      } catch (e) {
        errs.push(e);
      }
    }
    expect(errs.map((e) => isGatewayError(e, 'store') && e.code)).toEqual(['store.canonical', 'store.append', 'store.append', 'store.append']);
    expect(s.append({ type: 'audit', body: {} }).seq).toBe(2);
    expect(s.verify().ok).toBe(true);
    s.close();
  });

  it('writes buffered samples before a record, so a record never precedes its device data', () => {
    const s = open();
    s.samples.add('AC-01', { ts: 1, recvTs: 1, cycleId: 'c1', temp_c: 134 });
    expect(s.db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(0);
    s.append({ type: 'cycle', device: 'AC-01', body: {} });
    expect(s.db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(1);
    s.close();
  });
});

describe('outbox', () => {
  it('pending in seq order after a cursor, idempotent markDelivered, range for replay', () => {
    const s = open();
    const recs = Array.from({ length: 6 }, (_, i) => s.append({ type: 'scan', body: { i } }));
    expect(s.records.pending(0, 10).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.records.pending(2, 3).map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(s.records.markDelivered(1)).toBe(true);
    expect(s.records.markDelivered(1)).toBe(false);
    expect(s.records.markDeliveredMany([3, 4, 4])).toBe(2);
    expect(s.records.pending().map((r) => r.seq)).toEqual([2, 5, 6]);
    expect(s.records.pendingCount()).toBe(3);
    expect(s.records.range(2, 4).map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(s.records.range(5)).toEqual(recs.slice(4));
    expect(s.records.range(1, 6, 2).map((r) => r.seq)).toEqual([1, 2]);
    s.close();
    const again = open();
    expect(again.records.pending().map((r) => r.seq)).toEqual([2, 5, 6]);
    const at = (seq: number) => again.db.prepare('SELECT delivered_at FROM records WHERE seq = ?').pluck().get(seq);
    expect(at(1)).toBe(clock);
    again.close();
  });
});
