import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../gateway/store/canonical-json.js';
import { generateGatewayKey, keyIdOf, publicKeyInfo } from '../../gateway/store/keys.js';
import { GENESIS_HASH, RECORD_SCHEMA, type SignedRecord } from '../../gateway/store/record.js';
import { computeRecordHash, signedFields, signHash, verifyRecord, verifyRecordSignature } from '../../gateway/store/record-crypto.js';

const key = generateGatewayKey();
function makeRecord(over: Partial<SignedRecord> = {}): SignedRecord {
  const base = {
    schema: RECORD_SCHEMA,
    id: '5f0c6c1e-4a57-4f7a-9a52-2d3b8c1d0e11',
    seq: 1,
    type: 'cycle' as const,
    ts: '2026-01-02T03:04:05.678Z',
    site: 'h1',
    gateway: 'gw1',
    device: 'AC-01',
    body: { verdict: 'pass', criteria: [{ id: 'hold_time', pass: true, measured: 241 }] },
    prevHash: GENESIS_HASH,
    keyId: key.keyId,
    ...over,
  };
  const hash = computeRecordHash(base);
  return { ...base, hash, sig: signHash(hash, key.privateKey), ...over } as SignedRecord;
}

describe('record hash and signature (pure)', () => {
  it('signs exactly {schema,id,seq,type,ts,site,gateway,device,body,prevHash,keyId}', () => {
    const r = makeRecord();
    expect(Object.keys(signedFields(r)).sort()).toEqual(['body', 'device', 'gateway', 'id', 'keyId', 'prevHash', 'schema', 'seq', 'site', 'ts', 'type']);
    const { device: _omit, ...noDevice } = r;
    expect(Object.keys(signedFields(noDevice as SignedRecord))).not.toContain('device');
  });

  it('hash = hex sha256(prevHash + canonical JSON of the signed fields)', () => {
    const r = makeRecord();
    const { hash: _h, sig: _s, ...fields } = r;
    expect(r.hash).toBe(
      createHash('sha256')
        .update(r.prevHash + canonicalJson(fields))
        .digest('hex'),
    );
  });

  it('verifies, and still verifies with fields a transport adds (historical replay)', () => {
    const r = makeRecord();
    expect(verifyRecord(r, key.publicKey)).toEqual({ ok: true });
    const replayed = JSON.parse(JSON.stringify({ ...r, historical: true })) as SignedRecord;
    expect(verifyRecord(replayed, key.publicKey)).toEqual({ ok: true });
    const info = publicKeyInfo(key);
    for (const form of [info.publicKey, info.publicKeyPem, key.publicKeyRaw, key.publicKey]) expect(verifyRecordSignature(r, form)).toBe(true);
    expect(info.keyId).toBe(keyIdOf(Buffer.from(info.publicKey, 'base64')));
    expect(info.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('rejects an edited body, a recomputed hash without a matching signature, and another key', () => {
    const r = makeRecord();
    const flipped = { ...r, body: { ...r.body, verdict: 'fail' } };
    expect(verifyRecord(flipped, key.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/hash mismatch/) });
    const rehashed = { ...flipped, hash: computeRecordHash(flipped) };
    expect(verifyRecord(rehashed, key.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature invalid/) });
    expect(verifyRecordSignature(r, generateGatewayKey().publicKey)).toBe(false);
    expect(verifyRecordSignature({ ...r, sig: 'garbage' }, key.publicKey)).toBe(false);
    expect(verifyRecordSignature({ ...r, seq: 2 }, key.publicKey)).toBe(false);
  });
});
