// The health monitor's liveness on a monotonic clock of the test's own (no waiting): alive while its
// timer ran recently, not alive once it has not run for more than ALIVE_MAX_TICK_AGE_S or while stopping;
// and the reader of the Prometheus text format the metric tests rely on, which must refuse what it cannot read.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ALIVE_MAX_TICK_AGE_S, type GatewayPhase, HealthMonitor } from '../../gateway/metrics/health-monitor.js';
import type { Store } from '../../gateway/store/index.js';
import { exportedNames, parseExposition, sampleValue } from '../helpers/prom-text.js';

describe('HealthMonitor liveness', () => {
  let monitor: HealthMonitor | null = null;
  afterEach(() => monitor?.stop());

  it('is alive while the loop ticks, not when its timer has stalled, and not while the gateway stops', () => {
    let mono = 1_000;
    let phase: GatewayPhase = 'running';
    monitor = new HealthMonitor({
      store: { started: false } as unknown as Store,
      dataDir: '/nonexistent',
      maxOutboxAgeS: 600,
      now: () => 0,
      phase: () => phase,
      logger: pino({ level: 'silent' }),
      monotonic: () => mono,
    });
    monitor.start();
    expect(monitor.liveness()).toEqual({ alive: true, phase: 'running', lastTickAgoS: 0 });
    mono += ALIVE_MAX_TICK_AGE_S * 1000 + 1;
    const stalled = monitor.liveness();
    expect(stalled.alive).toBe(false);
    expect(stalled.reason).toMatch(/event loop's timer last ran 10\.0 s ago/);
    phase = 'stopping';
    mono = 1_000;
    expect(monitor.liveness()).toMatchObject({ alive: false, reason: 'the gateway is stopping' });
    // a store that is not open: not ready, and says why
    phase = 'running';
    expect(monitor.readiness()).toMatchObject({ ready: false, reasons: ['store: not open'] });
  });
});

describe('the exposition reader (test/helpers/prom-text.ts)', () => {
  const text = [
    '# HELP x_seconds A histogram.',
    '# TYPE x_seconds histogram',
    'x_seconds_bucket{le="0.1",device="A \\"1\\""} 2',
    'x_seconds_bucket{le="+Inf",device="A \\"1\\""} 3',
    'x_seconds_sum{device="A \\"1\\""} 0.5',
    'x_seconds_count{device="A \\"1\\""} 3',
    '# TYPE up_total counter',
    'up_total 7 1700000000000',
    'g{path="C:\\\\data",msg="a\\nb"} NaN',
    '',
  ].join('\n');

  it('reads families, suffixes, escapes, timestamps and special values', () => {
    const exp = parseExposition(text);
    expect(exp.get('x_seconds')?.type).toBe('histogram');
    expect(exp.get('x_seconds')?.samples).toHaveLength(4);
    expect(sampleValue(exp, 'x_seconds_bucket', { le: '+Inf', device: 'A "1"' })).toBe(3);
    expect(sampleValue(exp, 'up_total')).toBe(7);
    expect(exp.get('g')?.samples[0]?.labels).toEqual({ path: 'C:\\data', msg: 'a\nb' });
    expect(Number.isNaN(sampleValue(exp, 'g'))).toBe(true);
    expect([...exportedNames(exp)].sort()).toEqual(['g', 'up_total', 'x_seconds', 'x_seconds_bucket', 'x_seconds_count', 'x_seconds_sum']);
  });

  it('refuses what it cannot read', () => {
    expect(() => parseExposition('x{le="1} 2')).toThrow(/unterminated/);
    expect(() => parseExposition('x{1a="b"} 2')).toThrow(/label name/);
    expect(() => parseExposition('x 1 2 3')).toThrow(/value/);
    expect(() => parseExposition('x abc')).toThrow(/bad value/);
    expect(() => parseExposition('# TYPE x gauge\nx 1\n# TYPE x counter')).toThrow(/TYPE after samples/);
    expect(() => sampleValue(parseExposition('x{a="1"} 1\nx{a="2"} 2'), 'x')).toThrow(/2 samples/);
  });
});
