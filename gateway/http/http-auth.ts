// Who may read the page when it listens beyond loopback: a bearer token (`Authorization: Bearer`, for
// scripts and scrapers) and/or basic-auth users (for browsers and wall screens). Tokens compare in
// constant time; passwords are scrypt hashes. A browser sends its credentials with every request
// (assets, the live feed), so a verified header is remembered for a few minutes (by its sha256, never
// in clear) instead of running scrypt each time; failed attempts are rate-limited.
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseScryptHash, type ScryptHash, verifySecret } from './secret-hash.js';

export interface HttpAuthOptions {
  /** The bearer token in clear (from STERILINK_HTTP_TOKEN or http.auth.tokenFile). */
  token?: string | undefined;
  /** scrypt hash of an accepted bearer token (http.auth.token). */
  tokenHash?: string | undefined;
  users?: readonly { name: string; password: string }[] | undefined;
  /** Loopback listeners need no auth at all. */
  required: boolean;
  now?: () => number;
}

export type AuthResult = { ok: true; user: string | null } | { ok: false; reason: 'missing' | 'invalid' | 'throttled'; challenge: string };

const REMEMBER_MS = 10 * 60_000;
const REMEMBER_MAX = 64;
const FAILURE_WINDOW_MS = 10_000;
const FAILURES_PER_WINDOW = 20;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export class HttpAuth {
  private readonly token: Buffer | null;
  private readonly tokenHash: ScryptHash | null;
  private readonly users: ReadonlyMap<string, ScryptHash>;
  private readonly remembered = new Map<string, { user: string | null; until: number }>();
  private failures: number[] = [];
  private readonly now: () => number;
  readonly required: boolean;

  constructor(o: HttpAuthOptions) {
    this.required = o.required;
    this.now = o.now ?? Date.now;
    this.token = o.token ? sha256(o.token) : null;
    this.tokenHash = o.tokenHash ? parseScryptHash(o.tokenHash) : null;
    if (o.tokenHash && !this.tokenHash) throw new Error('http.auth.token is not a usable scrypt hash');
    const users = new Map<string, ScryptHash>();
    for (const u of o.users ?? []) {
      const h = parseScryptHash(u.password);
      if (!h) throw new Error(`http.auth.users: the password of "${u.name}" is not a usable scrypt hash`);
      users.set(u.name, h);
    }
    this.users = users;
    if (this.required && !this.token && !this.tokenHash && users.size === 0) throw new Error('http auth is required but no token or user is configured');
  }

  /** How the page is protected, for the start-up log line (no secret in it). */
  describe(): string {
    if (!this.required) return 'loopback only, no authentication';
    const ways: string[] = [];
    if (this.token || this.tokenHash) ways.push('bearer token');
    if (this.users.size) ways.push(`basic auth (${this.users.size} user${this.users.size === 1 ? '' : 's'})`);
    return ways.join(' or ');
  }

  private get challenge(): string {
    return this.users.size ? 'Basic realm="SteriLink", charset="UTF-8"' : 'Bearer realm="SteriLink"';
  }

  async check(authorization: string | undefined): Promise<AuthResult> {
    if (!this.required) return { ok: true, user: null };
    if (!authorization) return { ok: false, reason: 'missing', challenge: this.challenge };
    const key = sha256(authorization).toString('hex');
    const now = this.now();
    const hit = this.remembered.get(key);
    if (hit && hit.until > now) return { ok: true, user: hit.user };
    this.failures = this.failures.filter((t) => now - t < FAILURE_WINDOW_MS);
    if (this.failures.length >= FAILURES_PER_WINDOW) return { ok: false, reason: 'throttled', challenge: this.challenge };
    const user = await this.verify(authorization);
    if (user === undefined) {
      this.failures.push(now);
      return { ok: false, reason: 'invalid', challenge: this.challenge };
    }
    this.remembered.delete(key);
    this.remembered.set(key, { user, until: now + REMEMBER_MS });
    if (this.remembered.size > REMEMBER_MAX) this.remembered.delete(this.remembered.keys().next().value as string);
    return { ok: true, user };
  }

  /** The user name (null for the token), or undefined when the header proves nothing. */
  private async verify(header: string): Promise<string | null | undefined> {
    const m = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
    if (!m) return undefined;
    const scheme = (m[1] as string).toLowerCase();
    const value = m[2] as string;
    if (scheme === 'bearer') {
      if (this.token && timingSafeEqual(sha256(value), this.token)) return null;
      if (this.tokenHash && (await verifySecret(value, this.tokenHash))) return null;
      return undefined;
    }
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return undefined;
    const name = decoded.slice(0, colon);
    const hash = this.users.get(name);
    if (!hash) {
      // the same work as for a known name, so the answer's timing does not tell which names exist
      const any = this.users.values().next().value;
      if (any) await verifySecret(decoded.slice(colon + 1), any);
      return undefined;
    }
    return (await verifySecret(decoded.slice(colon + 1), hash)) ? name : undefined;
  }
}
