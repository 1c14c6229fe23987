// The `http` section beyond its shape: where it listens, whether that address is loopback, and the
// bearer token from STERILINK_HTTP_TOKEN or `auth.tokenFile` (like the broker password: never in the
// YAML, never logged). A non-loopback listener without any auth is a config problem, so the gateway
// refuses to start instead of serving CSSD records to the whole network.
import fs from 'node:fs';
import type { ConfigProblem } from './config-problem.js';
import type { HttpConfig } from './schema.js';

export interface ListenAddress {
  host: string;
  port: number;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host);
}

/** "HOST:PORT" (IPv6 in brackets) -> host (without brackets) and port; null when malformed. */
export function parseListen(listen: string): ListenAddress | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(listen);
  if (!m) return null;
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port > 65535) return null;
  return { host: (m[1] ?? m[2]) as string, port };
}

export interface HttpSecrets {
  token?: string;
  problems: ConfigProblem[];
}

/** The bearer token (env first, then the file) and the problems of the section. */
export function httpSecretsFrom(http: HttpConfig | undefined, env: NodeJS.ProcessEnv): HttpSecrets {
  if (!http) return { problems: [] };
  const problems: ConfigProblem[] = [];
  const addr = parseListen(http.listen);
  if (!addr) problems.push({ path: 'http.listen', message: `expected HOST:PORT with a port 0–65535, found "${http.listen}"` });
  let token: string | undefined = env.STERILINK_HTTP_TOKEN || undefined;
  if (!token && http.auth?.tokenFile) {
    try {
      token = fs.readFileSync(http.auth.tokenFile, 'utf8').trim();
      if (!token) problems.push({ path: 'http.auth.tokenFile', message: 'expected a token in the file, found an empty file' });
    } catch (e) {
      problems.push({ path: 'http.auth.tokenFile', message: `expected a readable file, found ${(e as NodeJS.ErrnoException).code ?? 'an error'}` });
    }
  }
  if (token !== undefined && token.length < 16) {
    problems.push({ path: 'http.auth', message: `expected a bearer token of at least 16 characters, found ${token.length}` });
  }
  const protectedBy = Boolean(token || http.auth?.token || http.auth?.tokenFile || http.auth?.users?.length);
  if (addr && !isLoopbackHost(addr.host) && !protectedBy) {
    problems.push({
      path: 'http.auth',
      message: `expected auth (token, tokenFile or users; or STERILINK_HTTP_TOKEN) when listening on ${addr.host}, which is not loopback; found none`,
    });
  }
  return token ? { token, problems } : { problems };
}
