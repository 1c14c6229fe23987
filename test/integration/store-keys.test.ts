import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyStore } from '../../gateway/store/audit.js';
import { KEY_ROTATED } from '../../gateway/store/key-rotation.js';
import {
  generateGatewayKey,
  keysDir,
  loadOrCreateKey,
  PENDING_KEY_FILE,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  readKeyFile,
  readPublicKeyInfo,
  rotateKey,
  writePendingKey,
} from '../../gateway/store/keys.js';
import { verifyRecord } from '../../gateway/store/record-crypto.js';
import { Store } from '../../gateway/store/store.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { thrown } from '../helpers/thrown.js';

const logger = pino({ level: 'silent' });
let dataDir: string;
const open = () => {
  const s = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger });
  s.start();
  return s;
};
const mode = (f: string) => fs.statSync(f).mode & 0o777;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-store-keys-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe.skipIf(process.platform === 'win32')('signing key files', () => {
  it('are made on first start: private key 0600 in a 0700 folder, key id from the raw public key', () => {
    const k = loadOrCreateKey(dataDir);
    expect(k.created).toBe(true);
    const file = path.join(keysDir(dataDir), PRIVATE_KEY_FILE);
    expect(mode(file)).toBe(0o600);
    expect(mode(keysDir(dataDir))).toBe(0o700);
    expect(fs.readFileSync(path.join(keysDir(dataDir), PUBLIC_KEY_FILE), 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    expect(k.publicKeyRaw.length).toBe(32);
    expect(k.keyId).toBe(createHash('sha256').update(k.publicKeyRaw).digest('hex').slice(0, 16));
    const again = loadOrCreateKey(dataDir);
    expect(again.created).toBe(false);
    expect(again.keyId).toBe(k.keyId);
    expect(readPublicKeyInfo(dataDir)).toMatchObject({ algorithm: 'Ed25519', keyId: k.keyId, publicKey: k.publicKeyRaw.toString('base64') });
    fs.writeFileSync(path.join(keysDir(dataDir), `${PRIVATE_KEY_FILE}.tmp-4242`), 'half-written');
    loadOrCreateKey(dataDir);
    expect(fs.readdirSync(keysDir(dataDir)).sort()).toEqual([PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]);
  });

  it('refuses a private key that group or others can read', () => {
    loadOrCreateKey(dataDir);
    const file = path.join(keysDir(dataDir), PRIVATE_KEY_FILE);
    fs.chmodSync(file, 0o644);
    const err = thrown(() => loadOrCreateKey(dataDir));
    expect(isGatewayError(err, 'store.key.permissions')).toBe(true);
    expect((err as Error).message).toMatch(/chmod 600/);
    expect(() => new Store({ dataDir, site: 'h', gateway: 'g', logger }).start()).toThrow(/mode 644/);
    fs.chmodSync(file, 0o600);
    expect(() => readKeyFile(file)).not.toThrow();
  });

  it('file-level rotateKey replaces the key durably', () => {
    const k = loadOrCreateKey(dataDir);
    const r = rotateKey(dataDir);
    expect(r.previousKeyId).toBe(k.keyId);
    expect(loadOrCreateKey(dataDir).keyId).toBe(r.key.keyId);
    expect(mode(path.join(keysDir(dataDir), PRIVATE_KEY_FILE))).toBe(0o600);
    expect(fs.readdirSync(keysDir(dataDir)).sort()).toEqual([PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]);
  });
});

describe('Store.rotateKey', () => {
  it('chains the rotation; old records still verify with the keys table; restart keeps the new key', () => {
    let s = open();
    const oldInfo = s.publicKeyInfo();
    const before = [s.append({ type: 'scan', body: { i: 1 } }), s.append({ type: 'scan', body: { i: 2 } })];
    const rot = s.rotateKey();
    expect(rot.previousKeyId).toBe(oldInfo.keyId);
    expect(rot.record).toMatchObject({
      seq: 3,
      type: 'audit',
      keyId: oldInfo.keyId,
      body: { event: KEY_ROTATED, keyId: rot.keyId, previousKeyId: oldInfo.keyId },
    });
    const after = s.append({ type: 'scan', body: { i: 3 } });
    expect(after.keyId).toBe(rot.keyId);
    expect(s.keys.get(oldInfo.keyId)?.retiredAt).not.toBeNull();
    for (const r of before) expect(verifyRecord(r, s.keys.get(r.keyId)?.publicKey ?? '')).toEqual({ ok: true });
    expect(verifyRecord(after, s.publicKeyInfo().publicKey)).toEqual({ ok: true });
    s.close();
    s = open();
    expect(s.keyId).toBe(rot.keyId);
    s.append({ type: 'scan', body: { i: 4 } });
    s.close();
    expect(verifyStore(dataDir)).toMatchObject({ ok: true, records: 5, keys: 2 });
  });

  it('finishes a rotation that crashed after its commit, and drops one that never committed', () => {
    let s = open();
    s.append({ type: 'scan', body: {} });
    const rot = s.rotateKey();
    s.close();
    // crash before the rename: the committed key is still pending on disk, the old file is current
    const dir = keysDir(dataDir);
    const old = generateGatewayKey();
    fs.renameSync(path.join(dir, PRIVATE_KEY_FILE), path.join(dir, PENDING_KEY_FILE));
    fs.writeFileSync(path.join(dir, PRIVATE_KEY_FILE), old.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    s = open();
    expect(s.keyId).toBe(rot.keyId);
    s.close();
    // a pending key no transaction registered is discarded
    writePendingKey(dataDir, generateGatewayKey());
    s = open();
    expect(s.keyId).toBe(rot.keyId);
    expect(fs.existsSync(path.join(dir, PENDING_KEY_FILE))).toBe(false);
    s.close();
    expect(verifyStore(dataDir).ok).toBe(true);
  });

  it('a key swapped in without a rotation makes later records fail the audit', () => {
    let s = open();
    s.append({ type: 'scan', body: {} });
    s.close();
    fs.rmSync(keysDir(dataDir), { recursive: true });
    s = open();
    const r = s.append({ type: 'scan', body: {} });
    s.close();
    expect(verifyStore(dataDir).problems[0]).toMatchObject({ table: 'records', seq: r.seq, reason: expect.stringMatching(/no earlier key-rotation/) });
  });
});
