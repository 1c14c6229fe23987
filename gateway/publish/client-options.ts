// Turns the publisher's connection settings into mqtt.js options: TLS files read once at start, the
// insecure-transport checks, and the choices that keep mqtt.js from queueing or resending on its own.
import { readFile } from 'node:fs/promises';
import type { IClientOptions } from 'mqtt';
import { errorMessage, GatewayError } from '../../vocabulary/errors.js';
import { redactUrl } from '../../vocabulary/redact-url.js';

export interface TlsFiles {
  /** CA bundle (PEM) that signed the broker's certificate. */
  ca?: string;
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string;
  /** Client private key (PEM) for mutual TLS. */
  key?: string;
}

export interface ConnectionSettings {
  /** One broker, or the nodes of one clustered broker in order of preference (failover on loss). */
  url: string | readonly string[];
  clientId?: string;
  username?: string;
  password?: string;
  /** File paths, read once at start. */
  tls?: TlsFiles;
  /** 5 is tried first when 5; a broker refusing it gets 3.1.1. */
  protocolVersion: 5 | 4;
  /** Permits a password over plain TCP to a non-loopback host, and TLS without certificate checks. */
  allowInsecure?: boolean;
  /** Seconds; default 30. */
  keepaliveSec?: number;
  /** Milliseconds to wait for CONNACK; default 10 000. */
  connectTimeoutMs?: number;
}

const TLS_PROTOCOLS = new Set(['mqtts:', 'wss:', 'tls:', 'ssl:']);
const KNOWN_PROTOCOLS = new Set(['mqtt:', 'tcp:', 'ws:', ...TLS_PROTOCOLS]);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The broker URLs of the settings, in order. */
export function brokerUrlList(s: Pick<ConnectionSettings, 'url'>): readonly string[] {
  return typeof s.url === 'string' ? [s.url] : s.url;
}

/** Validates the settings (every URL) and reads the TLS files; the result is reused for every (re)connect,
 * whichever node of the list it goes to. */
export async function buildClientOptions(s: ConnectionSettings, defaultClientId: string): Promise<IClientOptions> {
  const urls = brokerUrlList(s);
  if (urls.length === 0) throw new GatewayError('mqtt.config', 'mqtt.urls: expected at least one broker URL, found none');
  // every URL is checked; TLS settings are read when any node is reached over TLS
  const secure = urls.map((u, i) => checkUrl(s, u, typeof s.url === 'string' ? 'mqtt.url' : `mqtt.urls[${i}]`)).some(Boolean);
  if (Boolean(s.tls?.cert) !== Boolean(s.tls?.key)) {
    throw new GatewayError('mqtt.config', 'mqtt.tls: cert and key go together (mutual TLS needs both)');
  }

  const opts: IClientOptions = {
    clientId: s.clientId ?? defaultClientId,
    protocolVersion: s.protocolVersion,
    clean: true,
    keepalive: s.keepaliveSec ?? 30,
    connectTimeout: s.connectTimeoutMs ?? 10_000,
    // Reconnects are ours (mqtt-connection.ts): backoff with jitter, and a fresh outgoing store each time.
    reconnectPeriod: 0,
    // Never hold a QoS 0 message (telemetry) for later: it is stale by then. Dropped and counted instead.
    queueQoSZero: false,
    // cmd/replay is subscribed again on every connect by us; mqtt.js' own resubscribe would double it.
    resubscribe: false,
    // mqtt-packet's number cache is 65 536 pre-made 2-byte Buffers: ~6 MB of heap, a tenth of the gateway's.
    writeCache: false,
  };
  if (s.username !== undefined) opts.username = s.username;
  if (s.password !== undefined) opts.password = s.password;
  if (secure) {
    opts.rejectUnauthorized = !s.allowInsecure;
    if (s.tls?.ca) opts.ca = await readTlsFile('ca', s.tls.ca);
    if (s.tls?.cert) opts.cert = await readTlsFile('cert', s.tls.cert);
    if (s.tls?.key) opts.key = await readTlsFile('key', s.tls.key);
  }
  return opts;
}

/** The transport checks of one broker URL; true when it is a TLS URL. */
function checkUrl(s: ConnectionSettings, raw: string, at: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GatewayError('mqtt.config', `${at}: expected mqtt://host:port or mqtts://host:port, found ${JSON.stringify(redactUrl(raw))}`);
  }
  if (!KNOWN_PROTOCOLS.has(url.protocol)) {
    throw new GatewayError('mqtt.config', `${at}: expected one of mqtt, mqtts, ws, wss, found ${url.protocol.replace(':', '')}`);
  }
  const secure = TLS_PROTOCOLS.has(url.protocol);
  if (s.tls && (s.tls.ca || s.tls.cert || s.tls.key) && !secure) {
    throw new GatewayError('mqtt.config', `mqtt.tls is set but ${at} uses ${url.protocol.replace(':', '')}://; use mqtts:// (or wss://)`);
  }
  const hasPassword = Boolean(s.password || url.password);
  if (hasPassword && !secure && !LOOPBACK.has(url.hostname) && !s.allowInsecure) {
    throw new GatewayError('mqtt.insecure', `refusing to send the MQTT password in clear text to ${url.hostname}; use mqtts:// or set allowInsecure`);
  }
  return secure;
}

async function readTlsFile(what: keyof TlsFiles, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new GatewayError('mqtt.config', `mqtt.tls.${what}: cannot read ${path}: ${errorMessage(e)}`, { path }, { cause: e });
  }
}
