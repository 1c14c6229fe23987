// The one chain checker behind `db verify` and `verify-record` (gateway/store/record-chain-check.ts): each
// check with its problem kind and reason, the two contexts (the store's whole chain, a consumer's received
// subset), key trust through rotations, and properties over random chains, subsets and edits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GatewayKey, generateGatewayKey } from '../../gateway/store/keys.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import {
  type ChainCheckOptions,
  type ChainProblem,
  keysRetiredBy,
  RecordChainChecker,
  recordShapeProblem,
  type TrustedKey,
} from '../../gateway/store/record-chain-check.js';
import { signHash } from '../../gateway/store/record-crypto.js';
import { b64, resign, signedChain } from '../helpers/record-chain.js';

const trusted = (k: GatewayKey, source = '--key'): TrustedKey => ({ keyId: k.keyId, key: k.publicKey, source });
const RECEIVED = { checkSignatures: true, wholeChain: false } as const;
const WHOLE = { checkSignatures: true, wholeChain: true } as const;

/** Every problem of feeding `records` in order, then finish(end). */
function run(records: readonly SignedRecord[], opts: ChainCheckOptions, end?: { seq: number; hash: string }): ChainProblem[] {
  const c = new RecordChainChecker(opts);
  return [...records.flatMap((r) => c.check(r)), ...c.finish(end)];
}
const brief = (ps: readonly ChainProblem[]) => ps.map((p) => `${p.seq}:${p.kind}`);

const key = generateGatewayKey();
const recs = signedChain(6, { key });

describe('one record at a time: every check with its kind and reason', () => {
  it("an intact chain from genesis has no problem, given its key or trusting the first record's from a keys table", () => {
    expect(run(recs, { ...WHOLE, keys: [trusted(key)] }, { seq: 6, hash: recs[5]!.hash })).toEqual([]);
    const c = new RecordChainChecker({ ...WHOLE, trustFirstKey: true, keyTable: (id) => (id === key.keyId ? b64(key) : undefined) });
    expect(recs.flatMap((r) => c.check(r))).toEqual([]);
    expect(c.keys.map((k) => `${k.keyId} (${k.source})`)).toEqual([`${key.keyId} (first record, keys table)`]);
  });

  it('a changed body: hash mismatch naming both hashes; the signature is not checked over other content', () => {
    const bad = [...recs];
    bad[2] = { ...recs[2]!, body: { ...recs[2]!.body, verdict: 'fail' } };
    const ps = run(bad, { ...RECEIVED, keys: [trusted(key)] });
    expect(ps).toEqual([
      {
        kind: 'hash',
        seq: 3,
        id: recs[2]!.id,
        reason: expect.stringMatching(/^hash mismatch: the content hashes to [0-9a-f]{12}…, the record says [0-9a-f]{12}… \(changed after signing\)$/),
      },
    ]);
  });

  it('a record re-hashed after a change: signature invalid, and the next record no longer links', () => {
    const bad = [...recs];
    bad[2] = { ...resign({ ...recs[2]!, body: { verdict: 'fail' } }, key), sig: recs[2]!.sig }; // hash redone, old signature
    const ps = run(bad, { ...RECEIVED, keys: [trusted(key)] });
    expect(ps.map((p) => `${p.seq}:${p.kind}:${p.reason}`)).toEqual([
      `3:signature:signature invalid for key ${key.keyId}`,
      `4:chain:prevHash ${recs[2]!.hash.slice(0, 12)}… is not the hash of seq 3 (${bad[2]!.hash.slice(0, 12)}…): chain broken`,
    ]);
  });

  it('seq 1 must link to 64 zeros; hashes must be 64 lowercase hex characters', () => {
    const first = resign({ ...recs[0]!, prevHash: 'ab'.repeat(32) }, key);
    expect(run([first], { ...RECEIVED, keys: [trusted(key)] })).toEqual([
      { kind: 'chain', seq: 1, id: first.id, reason: 'prevHash must be 64 zeros (the first record)' },
    ]);
    const upper = { ...recs[1]!, hash: recs[1]!.hash.toUpperCase() };
    expect(brief(run([upper], { ...RECEIVED, keys: [trusted(key)] }))).toEqual(['2:hash']);
    expect(run([upper], RECEIVED)[0]?.reason).toBe('hash and prevHash must be 64 lowercase hex characters');
  });

  it('an unknown record format, and a field outside the signature', () => {
    const other = resign({ ...recs[0]!, schema: 'sterilink.record/2' }, key);
    expect(run([other], { ...RECEIVED, keys: [trusted(key)] })).toEqual([
      { kind: 'format', seq: 1, id: other.id, reason: 'record format "sterilink.record/2" is not sterilink.record/1; this version cannot check it' },
    ]);
    const extra = { ...recs[0]!, released: true } as SignedRecord;
    expect(run([extra], { ...RECEIVED, keys: [trusted(key)] })).toEqual([
      { kind: 'fields', seq: 1, id: extra.id, reason: 'released outside the signature (only historical may be added to a record)' },
    ]);
    expect(run([{ ...recs[0]!, historical: true } as SignedRecord], { ...RECEIVED, keys: [trusted(key)] })).toEqual([]);
  });

  it('a key no one vouches for: the trusted keys named; a keys table alone does not vouch for a key', () => {
    const intruder = generateGatewayKey();
    const forged = [...recs];
    forged[5] = resign({ ...recs[5]!, keyId: intruder.keyId, body: { forged: true } }, intruder);
    const ps = run(forged, { ...RECEIVED, keys: [trusted(key, '--status s.json')] });
    expect(ps).toEqual([
      {
        kind: 'key',
        seq: 6,
        id: recs[5]!.id,
        reason: `signed by key ${intruder.keyId}, which is not among the trusted keys (${key.keyId} (--status s.json)) and which no earlier key-rotation record introduced`,
      },
    ]);
    const table = (id: string) => (id === intruder.keyId ? b64(intruder) : undefined);
    expect(run(forged, { ...RECEIVED, keys: [trusted(key)], keyTable: table })[0]?.reason).toBe(
      `signed by key ${intruder.keyId}, which is not among the trusted keys (${key.keyId} (--key)) and which no earlier key-rotation record introduced; the keys table lists it, but only the chain vouches for a key`,
    );
  });

  it('a valid signature by the wrong key under the right key id', () => {
    const forged = [...recs];
    forged[1] = { ...recs[1]!, sig: signHash(recs[1]!.hash, generateGatewayKey().privateKey) };
    expect(run(forged, { ...RECEIVED, keys: [trusted(key)] })).toEqual([
      { kind: 'signature', seq: 2, id: recs[1]!.id, reason: `signature invalid for key ${key.keyId}` },
    ]);
  });

  it('without signatures: hashes and chain only, no key problems', () => {
    const forged = [...recs];
    forged[1] = { ...recs[1]!, sig: 'AAAA' };
    expect(run(forged, { checkSignatures: false, wholeChain: false })).toEqual([]);
  });
});

describe('the chain: gaps, duplicates, order, the end', () => {
  it('a received set may start mid-chain; a hole asks for a replay, naming the range', () => {
    expect(run(recs.slice(2), { ...RECEIVED, keys: [trusted(key)] })).toEqual([]);
    const holed = [recs[0]!, recs[1]!, recs[4]!, recs[5]!];
    expect(run(holed, { ...RECEIVED, keys: [trusted(key)] })).toEqual([
      { kind: 'gap', seq: 3, toSeq: 4, id: null, reason: 'missing before seq 5 (gap of 2); ask the gateway for a replay from seq 3' },
    ]);
  });

  it('the whole chain starts at seq 1 and a hole means deleted records', () => {
    expect(run(recs.slice(2), { ...WHOLE, keys: [trusted(key)] })).toEqual([
      { kind: 'gap', seq: 1, toSeq: 2, id: null, reason: '2 record(s) missing: seq 1..2 (deleted)' },
    ]);
  });

  it('the same seq twice is a duplicate; a lower seq is out of order', () => {
    const twin = resign({ ...recs[2]!, id: '11111111-1111-4111-8111-111111111111', body: { verdict: 'fail' } }, key);
    const ps = run([...recs.slice(0, 3), twin, recs[1]!, ...recs.slice(3)], { ...RECEIVED, keys: [trusted(key)] });
    expect(ps.map((p) => `${p.seq}:${p.kind}:${p.reason}`)).toEqual([
      `3:duplicate:two different records (hash ${recs[2]!.hash.slice(0, 12)}… and ${twin.hash.slice(0, 12)}…)`,
      '2:chain:out of order: comes after seq 3',
    ]);
  });

  it('finish: rows cut off the end, rows the writer never wrote, a last record that differs from the head', () => {
    const opts = { ...WHOLE, keys: [trusted(key)] };
    expect(run(recs.slice(0, 4), opts, { seq: 6, hash: recs[5]!.hash })).toEqual([
      { kind: 'gap', seq: 5, toSeq: 6, id: null, reason: 'records 5..6 missing at the end (deleted)' },
    ]);
    expect(brief(run(recs, opts, { seq: 5, hash: recs[4]!.hash }))).toEqual(['6:chain']);
    expect(run(recs, opts, { seq: 6, hash: recs[4]!.hash })[0]?.reason).toBe('last record differs from the head written with it');
  });

  it('an unreadable record is reported and the chain moves on with the hash it had', () => {
    const c = new RecordChainChecker({ ...WHOLE, keys: [trusted(key)] });
    expect(c.check(recs[0]!)).toEqual([]);
    expect(c.unreadable(2, recs[1]!.hash, 'json is not a record: x')).toEqual([{ kind: 'format', seq: 2, id: null, reason: 'json is not a record: x' }]);
    expect(c.check(recs[2]!)).toEqual([]); // links to the hash the unreadable row carried
    expect(c.unreadable(5, 'f'.repeat(64), 'columns', 'fields').map((p) => `${p.seq}:${p.kind}`)).toEqual(['4:gap', '5:fields']);
    expect(brief(c.check(recs[5]!))).toEqual(['6:chain']);
  });
});

describe('key rotation', () => {
  const next = generateGatewayKey();
  const rotated = signedChain(6, { key, rotateAt: 3, next });

  it('a valid key-rotated record signed by a trusted key introduces the next key', () => {
    const c = new RecordChainChecker({ ...RECEIVED, keys: [trusted(key)] });
    expect(rotated.flatMap((r) => c.check(r))).toEqual([]);
    expect(c.keys.map((k) => k.source)).toEqual(['--key', 'key-rotated record seq 3']);
  });

  it('a rotation the checker cannot trust introduces nothing; the old key it retired is named', () => {
    const ps = run(rotated, { ...RECEIVED, keys: [trusted(next)], retiredAt: keysRetiredBy(rotated) });
    expect(brief(ps)).toEqual(['1:key', '2:key', '3:key']);
    expect(ps[0]?.reason).toMatch(/; it is the key the rotation at seq 3 retired: trust it too to check these records$/);
    expect(keysRetiredBy(rotated)).toEqual(new Map([[key.keyId, 3]]));
  });

  it('a rotation whose public key is not the key it names, or not a key', () => {
    const wrong = [...rotated];
    wrong[2] = resign({ ...rotated[2]!, body: { ...rotated[2]!.body, publicKey: b64(generateGatewayKey()) } }, key);
    const ps = run(wrong, { ...RECEIVED, keys: [trusted(key)] });
    expect(ps[0]).toMatchObject({
      kind: 'key',
      seq: 3,
      reason: expect.stringMatching(new RegExp(`^key-rotated record names key ${next.keyId} but its public key has id [0-9a-f]{16}$`)),
    });
    expect(brief(ps)).toEqual(['3:key', '4:chain', '4:key', '5:key', '6:key']); // 4 links to the record before the edit; its key was not introduced
    const junk = [...rotated];
    junk[2] = resign({ ...rotated[2]!, body: { ...rotated[2]!.body, publicKey: 'AAAA' } }, key);
    expect(run(junk, { ...RECEIVED, keys: [trusted(key)] })[0]?.reason).toMatch(
      new RegExp(`^key-rotated record carries no valid public key for ${next.keyId}: `),
    );
  });

  it('the keys table is cross-checked against the rotation record', () => {
    const table = (id: string) => (id === next.keyId ? b64(generateGatewayKey()) : id === key.keyId ? b64(key) : undefined);
    expect(run(rotated, { ...WHOLE, trustFirstKey: true, keyTable: table })).toEqual([
      { kind: 'key', seq: 3, id: rotated[2]!.id, reason: `keys table holds a different public key for ${next.keyId} than the rotation record` },
    ]);
  });
});

describe('recordShapeProblem', () => {
  it('names what is missing or of the wrong JSON type', () => {
    expect(recordShapeProblem(recs[0])).toBeNull();
    expect(recordShapeProblem([1])).toBe('expected a record (a JSON object)');
    expect(recordShapeProblem({ seq: 1 })).toBe('not a SteriLink record: missing schema, id, type, ts, site, gateway, body, prevHash, hash, sig, keyId');
    expect(recordShapeProblem({ ...recs[0], seq: 0 })).toBe('seq must be an integer >= 1, found 0');
    expect(recordShapeProblem({ ...recs[0], keyId: 7 })).toBe('keyId must be a string');
    expect(recordShapeProblem({ ...recs[0], body: [] })).toBe('body must be an object');
  });
});

describe('properties', () => {
  const next = generateGatewayKey();
  const long = signedChain(24, { key, rotateAt: 9, next });
  /** A subset may start after the rotation: the consumer holds both keys. */
  const keysOf = [trusted(key), trusted(next)];

  it('any received subset: exactly one gap per hole, nothing else', () => {
    fc.assert(
      fc.property(
        fc.subarray(
          long.map((_, i) => i),
          { minLength: 1 },
        ),
        (kept) => {
          const ps = run(
            kept.map((i) => long[i]!),
            { ...RECEIVED, keys: keysOf },
          );
          const holes = kept.slice(1).flatMap((i, j) => (i > kept[j]! + 1 ? [`${kept[j]! + 2}:gap`] : []));
          expect(brief(ps)).toEqual(holes);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the whole chain with rows deleted: the holes, including one at the start, and the end against the head', () => {
    fc.assert(
      fc.property(fc.subarray(long.map((_, i) => i)), (kept) => {
        const ps = run(
          kept.map((i) => long[i]!),
          { ...WHOLE, keys: keysOf },
          { seq: 24, hash: long[23]!.hash },
        );
        const bounds = [-1, ...kept, 24];
        const holes = bounds.slice(1).flatMap((i, j) => (i > bounds[j]! + 1 ? [`${bounds[j]! + 2}:gap`] : []));
        expect(brief(ps)).toEqual(holes);
      }),
      { numRuns: 60 },
    );
  });

  it('any change to a signed field of any record is found at that record', () => {
    const fields = ['id', 'type', 'ts', 'site', 'gateway', 'device', 'body', 'prevHash', 'keyId', 'schema'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.constantFrom(...fields), fc.string({ minLength: 1, maxLength: 4 }), (i, field, junk) => {
        const r = long[i]!;
        const changed = { ...r, [field]: field === 'body' ? { ...r.body, junk } : `${String(r[field] ?? '')}${junk}` } as SignedRecord;
        const ps = run(
          long.map((x, j) => (j === i ? changed : x)),
          { ...WHOLE, keys: keysOf },
        );
        expect(ps.some((p) => p.seq === r.seq && p.kind !== 'gap')).toBe(true);
      }),
      { numRuns: 80 },
    );
  });
});
