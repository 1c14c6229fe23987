// The gateway's web page (config `http`, `ui`; docs/web.md): loaded by app.ts only when `http` is
// configured, so a gateway without it carries none of this in memory. startWebServer() builds the
// board model and live hub, the record queries, the route table (issue 12 adds /metrics, /healthz and
// /readyz to `routes`), and starts listening. Read-only.

import type { GatewayConfig } from '../../config/schema.js';
import { GatewayError } from '../../vocabulary/errors.js';
import { systemTimeZone } from '../../vocabulary/local-day.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import type { Program } from '../verify/index.js';
import { BoardModel } from './board-model.js';
import { listenerAuth } from './listener-auth.js';
import { LiveHub, type OpenCycleSeed } from './live-hub.js';
import { LoanerQueries } from './loaner-queries.js';
import { addPageRoutes } from './page-routes.js';
import { RecordQueries } from './record-queries.js';
import { RouteTable } from './route-table.js';
import { loadAssets } from './static-assets.js';
import { type WebHandler, WebServer } from './web-server.js';

export { type EndpointContext, type EndpointHandle, startEndpointServer } from './endpoint-server.js';
export { teeOutput } from './output-tee.js';
export type { RouteOptions, RouteTable } from './route-table.js';
export type { WebHandler, WebRequest } from './web-server.js';

export interface WebContext {
  config: GatewayConfig;
  /** The bearer token in clear (STERILINK_HTTP_TOKEN or http.auth.tokenFile), if any. */
  httpToken?: string | undefined;
  store: Store;
  programs: Readonly<Record<string, Readonly<Program>>>;
  logger: Logger;
  now: () => number;
  version: string;
  /** More routes (/metrics, /healthz, /readyz), added before the listener opens. */
  addRoutes?: (routes: RouteTable<WebHandler>) => void;
}

export interface WebHandle {
  url: string;
  hub: LiveHub;
  routes: RouteTable<WebHandler>;
  stop(): Promise<void>;
}

function openCycleSeed(store: Store, deviceId: string): OpenCycleSeed | null {
  const snap = store.loadOpenCycle(deviceId) as { cycleId?: unknown; cycleNo?: unknown } | null | undefined;
  if (!snap || typeof snap.cycleId !== 'string') return null;
  const cycleNo = typeof snap.cycleNo === 'number' || typeof snap.cycleNo === 'string' ? snap.cycleNo : null;
  const samples = store.samples
    .samplesOfCycle(deviceId, snap.cycleId)
    .map((s) => ({ ts: s.ts, temp_c: s.temp_c, temp2_c: s.temp2_c, pressure_kpa: s.pressure_kpa, phase: s.phase }));
  return { cycleNo, samples };
}

export async function startWebServer(ctx: WebContext): Promise<WebHandle> {
  const { config, logger, store } = ctx;
  const { http, listen, auth } = listenerAuth(config, ctx.httpToken, ctx.now, 'startWebServer');
  const assets = loadAssets();
  const model = new BoardModel(
    config.devices.map((d) => ({ id: d.id, type: d.type, program: d.program })),
    ctx.programs,
  );
  const hub = new LiveHub({
    model,
    db: store.db,
    logger,
    site: config.site,
    gateway: config.gateway,
    openCycle: (id) => {
      try {
        return openCycleSeed(store, id);
      } catch (e) {
        logger.warn({ deviceId: id, err: (e as Error).message }, 'web: could not read the open cycle for the board; its curve starts now');
        return null;
      }
    },
  });
  const routes = new RouteTable<WebHandler>();
  addPageRoutes(routes, {
    site: config.site,
    gateway: config.gateway,
    devices: config.devices,
    programs: ctx.programs,
    queries: new RecordQueries(store.db),
    loaners: new LoanerQueries(store.db),
    hub,
    assets,
    timeZone: config.release?.timeZone ?? systemTimeZone(),
    version: ctx.version,
    now: ctx.now,
  });
  ctx.addRoutes?.(routes);
  const server = new WebServer({ listen, auth, routes, logger, defaultLocale: config.ui.locale });
  try {
    await server.start();
  } catch (e) {
    hub.stop();
    throw new GatewayError('http.listen', `the web page cannot listen on ${http.listen}: ${(e as Error).message}`, { listen: http.listen }, { cause: e });
  }
  logger.info({ url: server.url, protection: auth.describe(), locale: config.ui.locale }, `web page at ${server.url} (${auth.describe()})`);
  if (auth.required)
    logger.warn(
      { url: server.url },
      'web: the page is reachable from the network over plain HTTP; put a TLS proxy in front or keep it on a protected network (docs/operations.md)',
    );
  return {
    url: server.url,
    hub,
    routes,
    stop: async () => {
      hub.stop();
      await server.stop();
    },
  };
}
