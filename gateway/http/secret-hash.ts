// Password and token hashes for the web page's auth: `scrypt$N$r$p$salt$hash` (base64 salt and hash),
// so the config holds no secret. scrypt (RFC 7914) is in node:crypto; the comparison is constant-time.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** Defaults of `hashSecret`: 16 MiB and about 50 ms on a desktop, well under a second on a Raspberry Pi 3. */
export const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1, keyLen: 32 } as const;

/** The parsed hash, or null when the text is not one (or asks for absurd work: N ≤ 2^20, r ≤ 32, p ≤ 16). */
export function parseScryptHash(text: string): ScryptHash | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(text);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > 2 ** 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(m[4] as string, 'base64');
  const hash = Buffer.from(m[5] as string, 'base64');
  if (salt.length < 8 || hash.length < 16) return null;
  return { N, r, p, salt, hash };
}

function derive(secret: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

const optionsOf = (h: Pick<ScryptHash, 'N' | 'r' | 'p'>): ScryptOptions => ({ N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r * h.p + 1024 * 1024 });

/** A new hash of `secret` (random salt), in the form the config accepts. */
export async function hashSecret(secret: string, params: { N: number; r: number; p: number } = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, SCRYPT_DEFAULTS.keyLen, optionsOf(params));
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** true when `secret` hashes to `hash` (runs in the thread pool; false for a malformed hash). */
export async function verifySecret(secret: string, hash: string | ScryptHash): Promise<boolean> {
  const h = typeof hash === 'string' ? parseScryptHash(hash) : hash;
  if (!h) return false;
  const key = await derive(secret, h.salt, h.hash.length, optionsOf(h));
  return key.length === h.hash.length && timingSafeEqual(key, h.hash);
}
