// `sterilink verify-record`: the consumer's check of received records. Records are made here with the store's
// own signing functions, so every failure below is one a consumer could really meet; the shipped example
// stream (docs/examples/records.jsonl, captured from a real gateway run with a key rotation) must verify.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parsePublicKey, parseRecords, verifyRecordCommand, verifyRecords } from '../../cli/commands/verify-record.js';
import { generateGatewayKey } from '../../gateway/store/keys.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { signHash } from '../../gateway/store/record-crypto.js';
import { b64, resign, signedChain } from '../helpers/record-chain.js';

const ROOT = path.resolve(__dirname, '../..');
async function run(argv: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await verifyRecordCommand({ argv, stdout, stderr, env: {}, stdin: Readable.from([stdin ?? '']) });
  return { code, out, err };
}

const jsonl = (rs: object[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('verify-record on one record', () => {
  const key = generateGatewayKey();
  const [rec] = signedChain(1, { key }) as [SignedRecord];

  it('checks hash and signature with --key, from stdin', async () => {
    const r = await run(['--key', b64(key)], JSON.stringify(rec, null, 2));
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('ok: hashes, signatures and chain verified');
    expect(r.out).toContain(key.keyId);
  });

  it('takes the key from a saved status payload, or a PEM file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr-'));
    const status = path.join(dir, 'status.json');
    fs.writeFileSync(status, JSON.stringify({ online: true, version: '0.1.0', startedAt: rec.ts, keyId: key.keyId, publicKey: b64(key) }));
    const pem = path.join(dir, 'gateway.pub');
    fs.writeFileSync(pem, key.publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const file = path.join(dir, 'rec.json');
    fs.writeFileSync(file, JSON.stringify(rec));
    expect((await run([file, '--status', status])).code).toBe(0);
    expect((await run([file, '--key-file', pem])).code).toBe(0);
    expect((await run(['-', '--key-file', pem], JSON.stringify(rec))).code).toBe(0);
  });

  it('without a key checks the hash only and says so', async () => {
    const r = await run([], JSON.stringify(rec));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/signatures NOT checked: no key given/);
  });

  it('ignores the historical marker of a replayed record (outside the signature)', async () => {
    expect((await run(['--key', b64(key)], JSON.stringify({ ...rec, historical: true }))).code).toBe(0);
  });

  it('finds a changed body (hash), a wrong key (signature) and a field outside the signature', async () => {
    const changed = { ...rec, body: { ...rec.body, verdict: 'fail' } };
    const a = await run(['--key', b64(key)], JSON.stringify(changed));
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/PROBLEM seq 1: hash mismatch/);
    const b = await run([], JSON.stringify(changed));
    expect(b.code).toBe(1);
    expect(b.out).toMatch(/PROBLEM seq 1: hash mismatch/);

    const other = generateGatewayKey();
    const forged = { ...resign(rec, other), keyId: key.keyId };
    const c = await run(['--key', b64(key)], JSON.stringify(forged));
    expect(c.code).toBe(1);
    expect(c.out).toMatch(/PROBLEM seq 1: /);

    const sigOnly = { ...rec, sig: signHash(rec.hash, other.privateKey) };
    const d = await run(['--key', b64(key)], JSON.stringify(sigOnly));
    expect(d.code).toBe(1);
    expect(d.out).toMatch(/PROBLEM seq 1: signature invalid/);

    const e = await run(['--key', b64(key)], JSON.stringify({ ...rec, verdict: 'pass' }));
    expect(e.code).toBe(1);
    expect(e.out).toMatch(/verdict outside the signature/);
  });

  it('names a key it was not given', async () => {
    const r = await run(['--key', b64(generateGatewayKey())], JSON.stringify(rec));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`PROBLEM seq 1: signed by key ${key.keyId}, which is not among the trusted keys`);
  });
});

describe('verify-record on a stream', () => {
  const key = generateGatewayKey();
  const recs = signedChain(6, { key });

  it('accepts JSON lines and a JSON array', async () => {
    expect((await run(['--key', b64(key)], jsonl(recs))).code).toBe(0);
    const arr = await run(['--key', b64(key), '--json'], JSON.stringify(recs));
    expect(arr.code).toBe(0);
    const report = JSON.parse(arr.out) as ReturnType<typeof verifyRecords>;
    expect(report).toMatchObject({
      ok: true,
      records: 6,
      duplicates: 0,
      signaturesChecked: true,
      chains: [{ site: 'h1', gateway: 'gw1', records: 6, fromSeq: 1, toSeq: 6 }],
    });
  });

  it('reports a seq gap with the seq to replay from', async () => {
    const r = await run(['--key', b64(key)], jsonl([...recs.slice(0, 2), ...recs.slice(4)]));
    expect(r.code).toBe(1);
    expect(r.out).toContain('PROBLEM seq 3..4: missing before seq 5 (gap of 2); ask the gateway for a replay from seq 3');
  });

  it('reports a broken chain even when every record is validly signed', async () => {
    const broken = [...recs];
    broken[3] = resign({ ...(recs[3] as SignedRecord), prevHash: 'ab'.repeat(32) }, key);
    const r = await run(['--key', b64(key)], jsonl(broken));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/PROBLEM seq 4: prevHash abababababab… is not the hash of seq 3/);
  });

  it('accepts identical duplicates (a replay, at-least-once delivery) in any order', async () => {
    const again = [recs[2], ...recs, { ...recs[1], historical: true }, recs[5]].reverse();
    const r = await run(['--key', b64(key), '--json'], jsonl(again as object[]));
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, records: 6, duplicates: 3 });
  });

  it('rejects the same seq with different content, and the same id with different content', async () => {
    const twin = resign({ ...(recs[2] as SignedRecord), id: '11111111-1111-4111-8111-111111111111', body: { verdict: 'fail' } }, key);
    const a = await run(['--key', b64(key)], jsonl([...recs, twin]));
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/PROBLEM seq 3: two different records/);
    const sameId = resign({ ...(recs[2] as SignedRecord), body: { verdict: 'fail' } }, key);
    const b = await run(['--key', b64(key)], jsonl([...recs, sameId]));
    expect(b.code).toBe(1);
    expect(b.out).toContain(`id ${recs[2]?.id} appears twice with different content`);
  });

  it('keeps chains of different gateways apart', async () => {
    const other = signedChain(3, { key, gateway: 'gw2' });
    const r = await run(['--key', b64(key), '--json'], jsonl([...recs, ...other]));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { chains: unknown[] }).chains).toHaveLength(2);
  });

  it('follows a key rotation signed by a trusted key, and explains an old key it was not given', async () => {
    const next = generateGatewayKey();
    const rotated = signedChain(6, { key, rotateAt: 3, next });
    expect(rotated[4]?.keyId).toBe(next.keyId);
    const r = await run(['--key', b64(key)], jsonl(rotated));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`${next.keyId} (key-rotated record seq 3)`);
    const onlyNew = await run(['--key', b64(next)], jsonl(rotated));
    expect(onlyNew.code).toBe(1);
    expect(onlyNew.out).toContain('the rotation at seq 3 retired');
    const both = await run(['--key', b64(next), '--key', b64(key)], jsonl(rotated));
    expect(both.code).toBe(0);
  });

  it('does not trust a key introduced by a rotation record it cannot verify', () => {
    const intruder = generateGatewayKey();
    const rotated = signedChain(4, { key: intruder, rotateAt: 2 });
    const report = verifyRecords(rotated, [parsePublicKey(b64(key), '--key')]);
    expect(report.ok).toBe(false);
    expect(report.problems.every((p) => p.kind === 'key')).toBe(true);
    expect(report.keys).toHaveLength(1);
  });
});

describe('verify-record input errors (exit 2)', () => {
  it('refuses what is not records, naming the line', async () => {
    const rec = signedChain(1)[0];
    const a = await run([], `${JSON.stringify(rec)}\nnot json\n`);
    expect(a.code).toBe(2);
    expect(a.err).toContain('stdin line 2: not JSON');
    const b = await run([], '{"seq": 1}');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/not a SteriLink record: missing schema, id/);
    expect((await run([], '')).code).toBe(2);
    expect((await run(['/nonexistent/records.jsonl'])).code).toBe(2);
    expect(() => parseRecords('[1]', 'x')).toThrow(/x item 1: expected a record/);
  });

  it('refuses a private key without echoing it, and a status whose keyId does not match', async () => {
    const key = generateGatewayKey();
    const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const r = await run([`--key=${pem}`], '{}');
    expect(r.code).toBe(2);
    expect(r.err).toContain('PRIVATE key');
    const secret = pem.split('\n')[1] as string;
    expect(r.out + r.err).not.toContain(secret.slice(0, 20));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr-'));
    const status = path.join(dir, 'status.json');
    fs.writeFileSync(status, JSON.stringify({ keyId: '0000000000000000', publicKey: b64(key) }));
    const s = await run(['--status', status], '{}');
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/does not match its publicKey/);
    expect((await run(['--key', 'not-a-key'], '{}')).code).toBe(2);
  });
});

describe('the shipped example stream', () => {
  it('docs/examples/records.jsonl (a real gateway run with a key rotation) verifies against docs/examples/status.json', async () => {
    const r = await run([path.join(ROOT, 'docs/examples/records.jsonl'), '--status', path.join(ROOT, 'docs/examples/status.json')]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/key-rotated record seq 4/);
  });
});
