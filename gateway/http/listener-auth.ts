// What both HTTP listeners (the page, index.ts, and the endpoints without it, endpoint-server.ts) read
// from `http:` before they open: the address to listen on and the auth it requires (none on a loopback
// address unless configured; a token or users everywhere else).
import { isLoopbackHost, type ListenAddress, parseListen } from '../../config/http-config.js';
import type { GatewayConfig } from '../../config/schema.js';
import { GatewayError } from '../../vocabulary/errors.js';
import { HttpAuth } from './http-auth.js';

export interface ListenerAuth {
  http: NonNullable<GatewayConfig['http']>;
  listen: ListenAddress;
  auth: HttpAuth;
}

/** Throws a GatewayError naming `caller` without an `http` section, or naming http.listen when it is not HOST:PORT. */
export function listenerAuth(config: GatewayConfig, httpToken: string | undefined, now: () => number, caller: string): ListenerAuth {
  const http = config.http;
  if (!http) throw new GatewayError('http.config', `${caller} called without an http section`);
  const listen = parseListen(http.listen);
  if (!listen) throw new GatewayError('http.config', `http.listen: expected HOST:PORT, found "${http.listen}"`);
  const auth = new HttpAuth({
    required: !isLoopbackHost(listen.host),
    token: httpToken,
    tokenHash: http.auth?.token,
    users: http.auth?.users,
    now,
  });
  return { http, listen, auth };
}
