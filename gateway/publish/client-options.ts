// Turns the publisher's connection settings into mqtt.js options: TLS files read once at start, the
// insecure-transport checks, and the choices that keep mqtt.js from queueing or resending on its own.
import { readFile } from 'node:fs/promises';
import type { IClientOptions } from 'mqtt';
import { GatewayError, errorMessage } from '../../vocabulary/errors.js';
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
  url: string;
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

/** Validates the settings and reads the TLS files; the result is reused for every (re)connect. */
export async function buildClientOptions(s: ConnectionSettings, defaultClientId: string): Promise<IClientOptions> {
  let url: URL;
  try {
    url = new URL(s.url);
  } catch {
    throw new GatewayError('mqtt.config', `mqtt.url: expected mqtt://host:port or mqtts://host:port, found ${JSON.stringify(redactUrl(s.url))}`);
  }
  if (!KNOWN_PROTOCOLS.has(url.protocol)) {
    throw new GatewayError('mqtt.config', `mqtt.url: expected one of mqtt, mqtts, ws, wss, found ${url.protocol.replace(':', '')}`);
  }
  const secure = TLS_PROTOCOLS.has(url.protocol);
  if (s.tls && (s.tls.ca || s.tls.cert || s.tls.key) && !secure) {
    throw new GatewayError('mqtt.config', `mqtt.tls is set but mqtt.url uses ${url.protocol.replace(':', '')}://; use mqtts:// (or wss://)`);
  }
  if (Boolean(s.tls?.cert) !== Boolean(s.tls?.key)) {
    throw new GatewayError('mqtt.config', 'mqtt.tls: cert and key go together (mutual TLS needs both)');
  }
  const hasPassword = Boolean(s.password || url.password);
  if (hasPassword && !secure && !LOOPBACK.has(url.hostname) && !s.allowInsecure) {
    throw new GatewayError('mqtt.insecure', `refusing to send the MQTT password in clear text to ${url.hostname}; use mqtts:// or set allowInsecure`);
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

async function readTlsFile(what: keyof TlsFiles, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new GatewayError('mqtt.config', `mqtt.tls.${what}: cannot read ${path}: ${errorMessage(e)}`, { path }, { cause: e });
  }
}
