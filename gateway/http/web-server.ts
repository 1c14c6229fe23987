// One node:http listener for the page and, later, /metrics, /healthz and /readyz (routes added to its
// table). Every request: security headers, the Host check on loopback (a web site a browser visits
// cannot read the page through DNS rebinding), authentication unless the route is public, the
// locale, then the route. A handler that throws answers 500 and is logged; nothing is left hanging.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isLoopbackHost, type ListenAddress } from '../../config/http-config.js';
import { errorMessage } from '../../vocabulary/errors.js';
import type { Logger } from '../logger.js';
import { isLocale, type Locale } from '../report/i18n.js';
import type { HttpAuth } from './http-auth.js';
import { sendText, setSecurityHeaders } from './respond.js';
import type { RouteTable } from './route-table.js';

export interface WebRequest {
  raw: IncomingMessage;
  method: string;
  url: URL;
  params: Readonly<Record<string, string>>;
  locale: Locale;
  /** The basic-auth user, or null (token, or loopback without auth). */
  user: string | null;
}

export type WebHandler = (req: WebRequest, res: ServerResponse) => void | Promise<void>;

export interface WebServerOptions {
  listen: ListenAddress;
  auth: HttpAuth;
  routes: RouteTable<WebHandler>;
  logger: Logger;
  defaultLocale: Locale;
}

export const LANG_COOKIE = 'sterilink_lang';

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export class WebServer {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(private readonly o: WebServerOptions) {}

  /** The URL the page is served at (after start). */
  get url(): string {
    const h = this.o.listen.host;
    const host = h.includes(':') ? `[${h}]` : h === '0.0.0.0' ? '127.0.0.1' : h;
    return `http://${host}:${this.boundPort}/`;
  }

  get port(): number {
    return this.boundPort;
  }

  start(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        this.o.logger.error({ err: errorMessage(e), url: req.url }, 'web: request failed');
        if (!res.headersSent) sendText(res, 500, 'internal error');
        else res.destroy();
      });
    });
    server.headersTimeout = 20_000;
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.listen.port, this.o.listen.host, () => {
        server.off('error', reject);
        server.on('error', (e) => this.o.logger.error({ err: errorMessage(e) }, 'web: server error'));
        const a = server.address();
        this.boundPort = a && typeof a === 'object' ? a.port : this.o.listen.port;
        resolve();
      });
    });
  }

  /** Idempotent: stops listening and closes every open connection (live feeds included). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private hostAllowed(req: IncomingMessage): boolean {
    if (!isLoopbackHost(this.o.listen.host)) return true; // reachable from the network: auth protects it
    const host = req.headers.host ?? '';
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    if (!m) return false;
    const name = (m[1] as string).toLowerCase();
    return isLoopbackHost(name) && (m[2] === undefined ? this.boundPort === 80 : Number(m[2]) === this.boundPort);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    if (!this.hostAllowed(req)) {
      sendText(res, 421, 'this gateway page answers only to its loopback address');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway.invalid');
    } catch {
      sendText(res, 400, 'bad request');
      return;
    }
    const method = req.method ?? 'GET';
    const match = this.o.routes.match(method, url.pathname);
    if (match.kind === 'not-found') {
      sendText(res, 404, 'not found');
      return;
    }
    if (match.kind === 'method-not-allowed') {
      sendText(res, 405, 'method not allowed (this page is read-only)', { Allow: match.allow.join(', ') });
      return;
    }
    let user: string | null = null;
    if (!match.route.options.public) {
      const auth = await this.o.auth.check(req.headers.authorization);
      if (!auth.ok) {
        if (auth.reason === 'invalid' || auth.reason === 'throttled')
          this.o.logger.warn({ reason: auth.reason, remote: req.socket.remoteAddress, path: url.pathname }, 'web: authentication failed');
        sendText(
          res,
          auth.reason === 'throttled' ? 429 : 401,
          auth.reason === 'throttled' ? 'too many failed attempts; wait a few seconds' : 'authentication required',
          { 'WWW-Authenticate': auth.challenge },
        );
        return;
      }
      user = auth.user;
    }
    const asked = url.searchParams.get('lang');
    let locale: Locale = this.o.defaultLocale;
    const saved = cookie(req, LANG_COOKIE);
    if (isLocale(saved)) locale = saved;
    if (isLocale(asked)) {
      locale = asked;
      res.setHeader('Set-Cookie', `${LANG_COOKIE}=${asked}; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly`);
    }
    await match.route.handler({ raw: req, method, url, params: match.params, locale, user }, res);
  }
}
