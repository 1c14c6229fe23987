// Opens the gateway's socket to the broker for mqtt.js' client, for mqtt:// (tcp://) and mqtts:// (tls://,
// ssl://) URLs. mqtt.js' own `connect()` loads every transport it knows on its first call: WebSocket
// (the `ws` package, with http, https and zlib), SOCKS proxies (the `socks` package, with dns) and TLS,
// ~1.5 MB of a gateway's ~17 MB heap that plain TCP never uses (docs/performance.md, "Memory"). The client
// itself (framing, keep-alive, acknowledgements) stays mqtt.js'; only the socket is ours. WebSocket URLs,
// unix sockets and a SOCKS proxy (`MQTTJS_SOCKS_PROXY`) still go through `mqtt.connect()`: `socketFor`
// answers undefined for them.
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { IClientOptions } from 'mqtt';

/** Emits an error on the MQTT client (mqtt.js drops stream errors without a `code`, e.g. a refused certificate). */
export type ClientErrorSink = (err: Error) => void;

export interface BrokerSocket {
  /** The options for mqtt.js' client: `opts` with the URL's host, port, credentials and clientId merged in as
   * `mqtt.connect()` would (credentials and clientId written in the URL win, as there). */
  options: IClientOptions;
  /** Opens a new socket (mqtt.js calls it on every connect and reconnect). */
  open(onClientError: ClientErrorSink): Duplex;
}

const PLAIN = new Set(['mqtt:', 'tcp:']);
const SECURE = new Set(['mqtts:', 'tls:', 'ssl:']);

/** The socket of a broker URL, or undefined when mqtt.js' `connect()` has to handle it (ws, wss, a unix
 * socket, a SOCKS proxy). */
export function socketFor(rawUrl: string, opts: IClientOptions, env: NodeJS.ProcessEnv = process.env): BrokerSocket | undefined {
  const url = new URL(rawUrl);
  const secure = SECURE.has(url.protocol);
  if (!secure && !PLAIN.has(url.protocol)) return undefined;
  if (env.MQTTJS_SOCKS_PROXY || opts.socksProxy) return undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = url.port ? Number(url.port) : secure ? 8883 : 1883;
  const options: IClientOptions = { ...opts, protocol: secure ? 'mqtts' : 'mqtt', host, hostname: host, port };
  if (url.username) {
    options.username = decodeURIComponent(url.username);
    options.password = url.password ? decodeURIComponent(url.password) : undefined;
  }
  const clientId = url.searchParams.get('clientId');
  if (clientId !== null) options.clientId = clientId;
  return {
    options,
    open: secure ? (onClientError) => openTls(host, port, opts, onClientError) : () => net.createConnection({ host, port }),
  };
}

/** TLS as mqtt.js' own transport does it: SNI with the host name (not for an address), certificates checked
 * unless `rejectUnauthorized` is false, and a TLS failure reported on the client. */
function openTls(host: string, port: number, opts: IClientOptions, onClientError: ClientErrorSink): TLSSocket {
  const rejectUnauthorized = opts.rejectUnauthorized !== false;
  const tlsOptions: ConnectionOptions = { host, port, rejectUnauthorized };
  if (net.isIP(host) === 0) tlsOptions.servername = opts.servername ?? host;
  if (opts.ca !== undefined) tlsOptions.ca = opts.ca;
  if (opts.cert !== undefined) tlsOptions.cert = opts.cert;
  if (opts.key !== undefined) tlsOptions.key = opts.key;
  const socket = loadTls().connect(tlsOptions);
  const onTlsError = (err: Error): void => {
    if (rejectUnauthorized) onClientError(err);
    socket.end();
  };
  socket.on('error', onTlsError);
  socket.on('secureConnect', () => {
    if (rejectUnauthorized && !socket.authorized) socket.emit('error', new Error('TLS not authorized'));
    else socket.removeListener('error', onTlsError);
  });
  return socket;
}

/** node:tls on first use: a gateway on plain TCP never needs it. */
function loadTls(): typeof import('node:tls') {
  return createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
}
