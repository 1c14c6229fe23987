// GET /healthz (alive) and /readyz (ready) on the gateway's HTTP listener: JSON, 200 or 503 with the
// reason. Public (no auth, like the probes of Docker, systemd or a load balancer expect): they tell that
// the gateway works, never what it recorded. /metrics is added beside them by metrics-routes.ts.
import type { RouteTable, WebHandler } from '../http/index.js';
import { sendJson } from '../http/respond.js';
import type { HealthMonitor } from './health-monitor.js';

/** A probe: its path, its status words when the gateway is (200) and is not (503) what it asks, and its reading. */
interface Probe {
  path: string;
  words: readonly [string, string];
  read: () => { ok: boolean; details: object };
}

export function addHealthRoutes(routes: RouteTable<WebHandler>, health: HealthMonitor): void {
  const probes: readonly Probe[] = [
    {
      path: '/healthz',
      words: ['alive', 'not alive'],
      read: () => {
        const l = health.liveness();
        return { ok: l.alive, details: { phase: l.phase, lastTickAgoS: round(l.lastTickAgoS), ...(l.reason ? { reason: l.reason } : {}) } };
      },
    },
    {
      path: '/readyz',
      words: ['ready', 'not ready'],
      read: () => {
        const r = health.readiness();
        const why = r.ready ? {} : { reason: r.reasons.join('; '), reasons: r.reasons };
        return { ok: r.ready, details: { ...why, store: r.store, outbox: { ...r.outbox, oldestAgeS: round(r.outbox.oldestAgeS) } } };
      },
    },
  ];
  for (const { path, words, read } of probes) {
    const answer: WebHandler = (_req, res) => {
      const { ok, details } = read();
      sendJson(res, ok ? 200 : 503, { status: ok ? words[0] : words[1], ...details });
    };
    routes.add('GET', path, answer, { public: true });
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
