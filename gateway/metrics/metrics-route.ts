// GET /metrics: the Prometheus text exposition of GatewayMetrics. Protected like the page: free on a
// loopback listener, else the bearer token (a Prometheus `authorization` / `bearer_token_file`) or a
// basic-auth user. A failed collection answers 500 and is logged by the web server.
import type { RouteTable, WebHandler } from '../http/index.js';
import { sendBytes } from '../http/respond.js';
import type { GatewayMetrics } from './gateway-metrics.js';

export function addMetricsRoute(routes: RouteTable<WebHandler>, metrics: GatewayMetrics): void {
  routes.add('GET', '/metrics', async (_req, res) => {
    const text = await metrics.metrics();
    sendBytes(res, 200, metrics.contentType, Buffer.from(text, 'utf8'));
  });
}
