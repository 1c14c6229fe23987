// GET /healthz (alive) and /readyz (ready) on the gateway's HTTP listener: JSON, 200 or 503 with the
// reason. Public (no auth, like the probes of Docker, systemd or a load balancer expect): they tell that
// the gateway works, never what it recorded. /metrics is added beside them by metrics-routes.ts.
import type { RouteTable, WebHandler } from '../http/index.js';
import { sendJson } from '../http/respond.js';
import type { HealthMonitor } from './health-monitor.js';

export function addHealthRoutes(routes: RouteTable<WebHandler>, health: HealthMonitor): void {
  routes.add(
    'GET',
    '/healthz',
    (_req, res) => {
      const l = health.liveness();
      sendJson(res, l.alive ? 200 : 503, {
        status: l.alive ? 'alive' : 'not alive',
        phase: l.phase,
        lastTickAgoS: round(l.lastTickAgoS),
        ...(l.reason ? { reason: l.reason } : {}),
      });
    },
    { public: true },
  );
  routes.add(
    'GET',
    '/readyz',
    (_req, res) => {
      const r = health.readiness();
      sendJson(res, r.ready ? 200 : 503, {
        status: r.ready ? 'ready' : 'not ready',
        ...(r.ready ? {} : { reason: r.reasons.join('; '), reasons: r.reasons }),
        store: r.store,
        outbox: { ...r.outbox, oldestAgeS: round(r.outbox.oldestAgeS) },
      });
    },
    { public: true },
  );
}

const round = (x: number) => Math.round(x * 10) / 10;
