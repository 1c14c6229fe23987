// The gateway's Ed25519 signing key on disk: dataDir/keys/gateway.key (PKCS#8 PEM, mode 0600) and
// gateway.pub (SPKI PEM). File level only; the `keys` table (key-registry.ts) keeps every public key
// ever used, and Store.rotateKey() chains a rotation into the record log.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../../vocabulary/errors.js';

export const KEYS_DIR = 'keys';
export const PRIVATE_KEY_FILE = 'gateway.key';
export const PUBLIC_KEY_FILE = 'gateway.pub';
/** A rotation in progress: written first, promoted to gateway.key once the new key is registered. */
export const PENDING_KEY_FILE = 'gateway.key.next';

export interface GatewayKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The raw 32-byte Ed25519 public key. */
  publicKeyRaw: Buffer;
}

export interface PublicKeyInfo {
  algorithm: 'Ed25519';
  keyId: string;
  /** base64 of the raw 32-byte public key (what the status topic and the keys table carry). */
  publicKey: string;
  publicKeyPem: string;
}

/** First 16 hex chars of sha256 of the raw 32-byte public key. */
export function keyIdOf(publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex').slice(0, 16);
}

export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new GatewayError('store.key', 'not an Ed25519 key', { crv: jwk.crv });
  return Buffer.from(jwk.x, 'base64url');
}

function fromPrivate(privateKey: KeyObject): GatewayKey {
  const publicKey = createPublicKey(privateKey);
  const publicKeyRaw = rawPublicKey(publicKey);
  return { keyId: keyIdOf(publicKeyRaw), privateKey, publicKey, publicKeyRaw };
}

export function publicKeyInfo(key: Pick<GatewayKey, 'keyId' | 'publicKey' | 'publicKeyRaw'>): PublicKeyInfo {
  return {
    algorithm: 'Ed25519',
    keyId: key.keyId,
    publicKey: key.publicKeyRaw.toString('base64'),
    publicKeyPem: key.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function keysDir(dataDir: string): string {
  return path.join(dataDir, KEYS_DIR);
}

/** A new key pair, not yet written anywhere. */
export function generateGatewayKey(): GatewayKey {
  return fromPrivate(generateKeyPairSync('ed25519').privateKey);
}

/** Loads a private key file, refusing one that group or others can read or write: a signing key
 * readable by other accounts can no longer prove who signed (the same rule as ssh). */
export function readKeyFile(file: string): GatewayKey {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new GatewayError('store.key.missing', `cannot read signing key ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
    throw new GatewayError(
      'store.key.permissions',
      `signing key ${file} has mode ${mode}; it must not be readable by group or others (run: chmod 600 ${file})`,
      { file, mode },
    );
  }
  try {
    return fromPrivate(createPrivateKey(fs.readFileSync(file)));
  } catch (e) {
    throw new GatewayError('store.key', `signing key ${file} is not a valid Ed25519 PEM key: ${(e as Error).message}`, { file }, { cause: e });
  }
}

/** Writes durably: a temp file with `mode`, fsync, rename over `file`, fsync the folder. */
function writeFileAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fchmodSync(fd, mode); // the umask may have narrowed or (on odd setups) the file pre-existed
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDir(path.dirname(file));
}

function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function ensureKeysDir(dataDir: string): string {
  const dir = keysDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // temp files of a write a crash interrupted (the rename never happened, so they hold nothing in use)
  for (const f of fs.readdirSync(dir)) if (/\.tmp-\d+$/.test(f)) fs.rmSync(path.join(dir, f), { force: true });
  return dir;
}

function writePublic(dir: string, key: GatewayKey): void {
  writeFileAtomic(path.join(dir, PUBLIC_KEY_FILE), publicKeyInfo(key).publicKeyPem, 0o644);
}

/** The current signing key: loaded from dataDir/keys/gateway.key, or made and written there on the
 * first start. `created` tells which. */
export function loadOrCreateKey(dataDir: string): GatewayKey & { created: boolean } {
  const dir = ensureKeysDir(dataDir);
  const file = path.join(dir, PRIVATE_KEY_FILE);
  if (fs.existsSync(file)) return { ...readKeyFile(file), created: false };
  const key = generateGatewayKey();
  writeFileAtomic(file, key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
  writePublic(dir, key);
  return { ...key, created: true };
}

/** The current public key from gateway.pub (`keys show`; needs no access to the private key), or
 * null when no key was made yet. */
export function readPublicKeyInfo(dataDir: string): PublicKeyInfo | null {
  const file = path.join(keysDir(dataDir), PUBLIC_KEY_FILE);
  if (!fs.existsSync(file)) return null;
  try {
    const publicKey = createPublicKey(fs.readFileSync(file));
    const publicKeyRaw = rawPublicKey(publicKey);
    return publicKeyInfo({ keyId: keyIdOf(publicKeyRaw), publicKey, publicKeyRaw });
  } catch (e) {
    throw new GatewayError('store.key', `public key ${file} is not a valid Ed25519 PEM key: ${(e as Error).message}`, { file }, { cause: e });
  }
}

/** Step 1 of a rotation: writes `key` as the pending key beside the current one. */
export function writePendingKey(dataDir: string, key: GatewayKey): void {
  const dir = ensureKeysDir(dataDir);
  writeFileAtomic(path.join(dir, PENDING_KEY_FILE), key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
}

/** The pending key left by an interrupted rotation, if any. */
export function readPendingKey(dataDir: string): GatewayKey | null {
  const file = path.join(keysDir(dataDir), PENDING_KEY_FILE);
  return fs.existsSync(file) ? readKeyFile(file) : null;
}

/** Step 2 of a rotation: the pending key becomes the current key (atomic rename; the old private key
 * is gone, its public key stays in the keys table). */
export function promotePendingKey(dataDir: string): GatewayKey {
  const dir = keysDir(dataDir);
  const key = readKeyFile(path.join(dir, PENDING_KEY_FILE));
  fs.renameSync(path.join(dir, PENDING_KEY_FILE), path.join(dir, PRIVATE_KEY_FILE));
  syncDir(dir);
  writePublic(dir, key);
  return key;
}

export function discardPendingKey(dataDir: string): void {
  fs.rmSync(path.join(keysDir(dataDir), PENDING_KEY_FILE), { force: true });
}

/** File-level rotation: a new key replaces gateway.key. It does not register the key in the store
 * nor chain the rotation; a gateway with a store rotates with Store.rotateKey(). */
export function rotateKey(dataDir: string): { previousKeyId: string | null; key: GatewayKey } {
  const file = path.join(keysDir(dataDir), PRIVATE_KEY_FILE);
  const previousKeyId = fs.existsSync(file) ? readKeyFile(file).keyId : null;
  const key = generateGatewayKey();
  writePendingKey(dataDir, key);
  promotePendingKey(dataDir);
  return { previousKeyId, key };
}
