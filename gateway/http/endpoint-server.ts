// The listener without the page (`http.page: false`): only the routes it is given (/metrics, /healthz,
// /readyz), with the same Host check, security headers and auth as the page. Nothing of the page (board
// model, live hub, assets, queries) is loaded or kept in memory.
import type { GatewayConfig } from '../../config/schema.js';
import { GatewayError } from '../../vocabulary/errors.js';
import type { Logger } from '../logger.js';
import { listenerAuth } from './listener-auth.js';
import { RouteTable } from './route-table.js';
import { type WebHandler, WebServer } from './web-server.js';

export interface EndpointContext {
  config: GatewayConfig;
  /** The bearer token in clear (STERILINK_HTTP_TOKEN or http.auth.tokenFile), if any. */
  httpToken?: string | undefined;
  logger: Logger;
  now: () => number;
  /** Adds the routes, before the listener opens. */
  addRoutes: (routes: RouteTable<WebHandler>) => void;
}

export interface EndpointHandle {
  url: string;
  routes: RouteTable<WebHandler>;
  stop(): Promise<void>;
}

export async function startEndpointServer(ctx: EndpointContext): Promise<EndpointHandle> {
  const { http, listen, auth } = listenerAuth(ctx.config, ctx.httpToken, ctx.now, 'startEndpointServer');
  const routes = new RouteTable<WebHandler>();
  ctx.addRoutes(routes);
  const server = new WebServer({ listen, auth, routes, logger: ctx.logger, defaultLocale: ctx.config.ui.locale });
  try {
    await server.start();
  } catch (e) {
    throw new GatewayError('http.listen', `cannot listen on ${http.listen}: ${(e as Error).message}`, { listen: http.listen }, { cause: e });
  }
  const paths = routes.list().map((r) => r.pattern);
  ctx.logger.info(
    { url: server.url, paths, protection: auth.describe() },
    `http endpoints at ${server.url} (${paths.join(', ')}; no web page: http.page is false)`,
  );
  return { url: server.url, routes, stop: () => server.stop() };
}
