import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ServiceNotifier, takeServiceEnvironment, watchdogIntervalMs } from '../../gateway/system/service-notifier.js';

describe('service notifier', () => {
  it('pings at half the watchdog timeout, only for the process systemd named', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42)).toBeNull();
    expect(watchdogIntervalMs({}, 42)).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: 'soon' }, 42)).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '0' }, 42)).toBeNull();
  });

  it('does nothing without a notify socket (a terminal, Docker)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
    const n = new ServiceNotifier({ env: { WATCHDOG_USEC: '1000' }, logger, command: '/nonexistent/systemd-notify' });
    expect(n.enabled).toBe(false);
    n.startWatchdog();
    n.ready('running');
    n.stopping();
    await n.close();
    expect(lines).toEqual([]);
  });

  it('says once, not on every ping, when the notification cannot be sent', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
    const n = new ServiceNotifier({ env: { NOTIFY_SOCKET: '/nonexistent/notify' }, logger, command: '/nonexistent/systemd-notify' });
    n.ready('running');
    n.status('a');
    n.status('b');
    await n.close();
    const warnings = lines.map((l) => JSON.parse(l) as { msg: string; reason: string }).filter((l) => l.msg === 'systemd notification not delivered');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.reason).toMatch(/cannot run \/nonexistent\/systemd-notify: .*ENOENT/);
  });
});

describe('takeServiceEnvironment', () => {
  it('moves systemd variables out of the environment the gateway passes on to its children', () => {
    const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '9', PATH: '/usr/bin' };
    expect(takeServiceEnvironment(env)).toEqual({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '9' });
    expect(env).toEqual({ PATH: '/usr/bin' });
  });
});
