// The gateway's metrics and health endpoints (docs/operations.md, "Metrics and health"). app.ts loads
// this folder's index (and prom-client with it) only when `http` is configured; the HealthMonitor it
// always runs is imported on its own (health-monitor.ts), so a gateway without `http` carries no
// prom-client in memory.
export { GatewayMetrics, type MetricsContext, POLL_BUCKETS_S } from './gateway-metrics.js';
export { addHealthRoutes } from './health-routes.js';
export { addMetricsRoute } from './metrics-route.js';
