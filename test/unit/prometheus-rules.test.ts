// deploy/prometheus/sterilink-alerts.yml checked by Prometheus' own tool (promtool, Debian's "prometheus"
// package; .ci/run installs it): the rules parse, and their unit tests (sterilink-alerts.test.yml: the
// Bowie–Dick test missing at 08:30 local but not at 07:50, a device offline at 10:00 but not at 03:00 local,
// the outbox, the disk) pass. test/e2e/metrics.test.ts checks that the metrics they name are exported.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';

const DIR = path.join(ROOT, 'deploy/prometheus');
const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });

describe('the Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const r = promtool('check', 'rules', 'sterilink-alerts.yml');
    expect(r.error, 'promtool not found (apt-get install prometheus)').toBeUndefined();
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: 6 rules found/);
    expect(r.status).toBe(0);
  });

  it('pass their unit tests (promtool test rules)', () => {
    const r = promtool('test', 'rules', 'sterilink-alerts.test.yml');
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
