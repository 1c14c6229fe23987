// The web page's route table, its authentication and the `http` config section (pure or crypto only).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpSecretsFrom, isLoopbackHost, parseListen } from '../../config/http-config.js';
import { parseConfigText } from '../../config/load-config.js';
import { HttpAuth } from '../../gateway/http/http-auth.js';
import { RouteTable } from '../../gateway/http/route-table.js';
import { hashSecret, parseScryptHash, verifySecret } from '../../gateway/http/secret-hash.js';
import { configProblems } from '../helpers/config-problems.js';

const FAST = { N: 1024, r: 8, p: 1 };
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

describe('route table', () => {
  it('matches literal, :param and *rest segments; HEAD is served by GET; other methods get 405 with Allow', () => {
    const r = new RouteTable<string>()
      .add('GET', '/', 'board')
      .add('GET', '/cycles/:id', 'record')
      .add('GET', '/cycles/:id/report', 'report')
      .add('GET', '/assets/*path', 'asset');
    expect(r.match('GET', '/')).toMatchObject({ kind: 'found', route: { handler: 'board' } });
    expect(r.match('GET', '/cycles/abc%20d')).toMatchObject({ kind: 'found', params: { id: 'abc d' } });
    expect(r.match('HEAD', '/cycles/x/report')).toMatchObject({ kind: 'found', route: { handler: 'report' }, params: { id: 'x' } });
    expect(r.match('GET', '/assets/vendor/uPlot.esm.js')).toMatchObject({ kind: 'found', params: { path: 'vendor/uPlot.esm.js' } });
    expect(r.match('POST', '/cycles/x')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] });
    expect(r.match('GET', '/cycles')).toEqual({ kind: 'not-found' });
    expect(r.match('GET', '/assets/')).toEqual({ kind: 'not-found' });
    expect(r.match('GET', '/cycles/%E0%A4%A')).toEqual({ kind: 'not-found' });
  });

  it('takes later routes (issue 12: /metrics, /healthz) with their own auth rule, and refuses a duplicate', () => {
    const r = new RouteTable<string>().add('GET', '/', 'board');
    r.add('GET', '/healthz', 'health', { public: true });
    expect(r.match('GET', '/healthz')).toMatchObject({ kind: 'found', route: { options: { public: true } } });
    expect(r.match('GET', '/')).toMatchObject({ kind: 'found', route: { options: { public: false } } });
    expect(() => r.add('GET', '/healthz', 'again')).toThrow(/already defined/);
    expect(() => r.add('GET', '/a/*x/b', 'bad')).toThrow(/last segment/);
  });
});

describe('secret hashes', () => {
  it('verifies the right secret in constant time and nothing else; refuses absurd parameters', async () => {
    const h = await hashSecret('correct horse battery', FAST);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifySecret('correct horse battery', h)).toBe(true);
    expect(await verifySecret('correct horse batterY', h)).toBe(false);
    expect(await verifySecret('x', 'plaintext')).toBe(false);
    expect(parseScryptHash('scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==')).toBeNull(); // N not a power of 2
    expect(parseScryptHash(`scrypt$${2 ** 24}$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==`)).toBeNull();
  });
});

describe('http auth', () => {
  it('lets everything through on loopback', async () => {
    expect(await new HttpAuth({ required: false }).check(undefined)).toEqual({ ok: true, user: null });
  });

  it('accepts the bearer token or a basic-auth user, and nothing else', async () => {
    const auth = new HttpAuth({ required: true, token: 'tok-0123456789abcdef', users: [{ name: 'nurse', password: await hashSecret('s3cret-pass', FAST) }] });
    expect(auth.describe()).toBe('bearer token or basic auth (1 user)');
    expect(await auth.check('Bearer tok-0123456789abcdef')).toEqual({ ok: true, user: null });
    expect(await auth.check(basic('nurse', 's3cret-pass'))).toEqual({ ok: true, user: 'nurse' });
    expect(await auth.check(undefined)).toMatchObject({ ok: false, reason: 'missing', challenge: 'Basic realm="SteriLink", charset="UTF-8"' });
    for (const bad of ['Bearer tok-0123456789abcdeF', basic('nurse', 'wrong'), basic('intruder', 's3cret-pass'), 'Digest x', 'Basic %%%']) {
      expect(await auth.check(bad), bad).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });

  it('accepts a token given only as its hash, and throttles a flood of wrong guesses', async () => {
    let now = 0;
    const auth = new HttpAuth({ required: true, tokenHash: await hashSecret('tok-abcdefabcdefabcd', FAST), now: () => now });
    expect(await auth.check('Bearer tok-abcdefabcdefabcd')).toEqual({ ok: true, user: null });
    for (let i = 0; i < 20; i++) await auth.check(`Bearer guess-${i}`);
    expect(await auth.check('Bearer guess-x')).toMatchObject({ ok: false, reason: 'throttled' });
    expect(await auth.check('Bearer tok-abcdefabcdefabcd')).toEqual({ ok: true, user: null }); // remembered: no scrypt, not throttled
    now += 11_000;
    expect(await auth.check('Bearer guess-y')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses to be required without any credential', () => {
    expect(() => new HttpAuth({ required: true })).toThrow(/no token or user/);
    expect(() => new HttpAuth({ required: true, users: [{ name: 'a', password: 'plain' }] })).toThrow(/not a usable scrypt hash/);
  });
});

describe('http config', () => {
  const base = 'site: s\ngateway: g\nmqtt: { url: "mqtt://127.0.0.1:1883" }\n';
  const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => parseConfigText(base + yaml, '/tmp/x.yaml', { env });
  const problems = (yaml: string, env: NodeJS.ProcessEnv = {}) => configProblems(base + yaml, { env }, '/tmp/x.yaml');

  it('is off when absent, English by default; loopback needs no auth', () => {
    const c = load('');
    expect(c.config.http).toBeUndefined();
    expect(c.config.ui).toEqual({ locale: 'en' });
    expect(load('http: { listen: "127.0.0.1:8080" }\nui: { locale: zh-CN }').config).toMatchObject({
      http: { listen: '127.0.0.1:8080' },
      ui: { locale: 'zh-CN' },
    });
    expect(problems('http: { listen: "[::1]:0" }')).toEqual([]);
  });

  it('refuses another address without auth, and a password in clear', () => {
    expect(problems('http: { listen: "0.0.0.0:8080" }')).toEqual([
      'http.auth: expected auth (token, tokenFile or users; or STERILINK_HTTP_TOKEN) when listening on 0.0.0.0, which is not loopback; found none',
    ]);
    expect(problems('http: { listen: "0.0.0.0:8080", auth: { users: [{ name: nurse, password: hunter2 }] } }')[0]).toMatch(
      /^http\.auth\.users\[0\]\.password: .*scrypt hash/,
    );
    expect(problems('http: { listen: "10.0.0.5:99999" }')[0]).toMatch(/^http\.listen: expected HOST:PORT/);
    expect(problems('http: { listen: "8080" }')[0]).toMatch(/^http\.listen/);
    expect(problems('ui: { locale: fr }')[0]).toMatch(/^ui\.locale/);
  });

  it('takes the token from STERILINK_HTTP_TOKEN or the token file, never from the YAML', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-http-'));
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'file-token-0123456789\n');
    const cfg = `http: { listen: "0.0.0.0:8080", auth: { tokenFile: ${file} } }`;
    expect(load(cfg).httpToken).toBe('file-token-0123456789');
    expect(load(cfg, { STERILINK_HTTP_TOKEN: 'env-token-0123456789' }).httpToken).toBe('env-token-0123456789');
    expect(load('http: { listen: "0.0.0.0:8080" }', { STERILINK_HTTP_TOKEN: 'env-token-0123456789' }).httpToken).toBe('env-token-0123456789');
    expect(problems('http: { listen: "0.0.0.0:8080" }', { STERILINK_HTTP_TOKEN: 'short' })).toEqual([
      'http.auth: expected a bearer token of at least 16 characters, found 5',
    ]);
    expect(problems(`http: { listen: "0.0.0.0:8080", auth: { tokenFile: ${path.join(dir, 'missing')} } }`)).toEqual([
      'http.auth.tokenFile: expected a readable file, found ENOENT',
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('knows loopback when it sees it', () => {
    for (const h of ['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', '::', 'gateway.local', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
    expect(parseListen('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(httpSecretsFrom(undefined, {})).toEqual({ problems: [] });
  });
});
