import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ModbusBusRegistry } from '../../drivers/modbus/bus-registry.js';
import { ModbusDriver, type ModbusDriverOptions } from '../../drivers/modbus/driver.js';
import { validateLinkSettings } from '../../drivers/modbus/link-settings.js';
import { DEFAULT_REGISTER_MAP, type RegisterMap } from '../../drivers/modbus/register-map.js';
import { isGatewayError } from '../../vocabulary/errors.js';

const base = (extra: Partial<ModbusDriverOptions> = {}): ModbusDriverOptions => ({
  deviceId: 'AC-01',
  link: { mode: 'tcp', host: '127.0.0.1', port: 1 },
  unitId: 1,
  pollMs: 100,
  timeoutMs: 100,
  buses: new ModbusBusRegistry(),
  logger: pino({ level: 'silent' }),
  now: Date.now,
  onEvent: () => undefined,
  ...extra,
});

describe('ModbusDriver settings', () => {
  it('refuses bad settings and a bad map with every problem named, before touching the bus', async () => {
    const buses = new ModbusBusRegistry();
    const map = { ...DEFAULT_REGISTER_MAP, phases: { 0: 'standby' } } as unknown as RegisterMap;
    const driver = new ModbusDriver(base({ unitId: 300, pollMs: 0, map, buses }));
    await expect(driver.start()).rejects.toSatisfy(
      (e: unknown) =>
        isGatewayError(e, 'device.modbus.config') &&
        /unitId: expected 0..255, found 300/.test((e as Error).message) &&
        /pollMs: expected >= 10, found 0/.test((e as Error).message) &&
        /map.phases.0: expected idle or a phase/.test((e as Error).message),
    );
    expect(buses.open).toEqual([]);
  });

  it('names missing link settings per mode', () => {
    expect(validateLinkSettings({ mode: 'rtu' })).toEqual(['path: expected the serial device of the RS-485 bus (mode rtu), found nothing']);
    expect(validateLinkSettings({ mode: 'rtu-over-tcp', host: 'moxa-1' })).toEqual([
      "port: expected the serial device server's TCP port (mode rtu-over-tcp), found nothing",
    ]);
    expect(validateLinkSettings({ mode: 'tcp', host: '10.0.0.5' })).toEqual([]);
  });

  it('stops promptly (and idempotently) while its first connection attempt is still pending', async () => {
    // 10.255.255.1 is not routable: the TCP connect hangs until its 5 s timeout
    const buses = new ModbusBusRegistry();
    const events: string[] = [];
    const driver = new ModbusDriver(base({ link: { mode: 'tcp', host: '10.255.255.1', port: 502 }, buses, onEvent: (e) => events.push(e.kind) }));
    await driver.start();
    const t0 = performance.now();
    await Promise.all([driver.stop(), driver.stop()]);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(buses.open).toEqual([]);
    expect(events).toEqual([]);
  });
});
