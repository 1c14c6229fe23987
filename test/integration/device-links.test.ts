// The Modbus buses belong to the gateway that opened them (its DeviceLinks), not to the process: devices of one
// gateway on one link share one connection; another gateway (a second app in the same process, a test) has its own.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { type DeviceDriver, DeviceLinks } from '../../gateway/device/device-link.js';
import { freePort } from '../helpers/mosquitto.js';

const logger = pino({ level: 'silent' });
const started: DeviceDriver[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.stop()));
});

async function modbusDevices(port: number) {
  return configSchema.parse({
    site: 's',
    gateway: 'g',
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    devices: ['AC-01', 'AC-02'].map((id, i) => ({
      id,
      type: 'steam-sterilizer',
      driver: 'modbus',
      modbus: { mode: 'tcp', host: '127.0.0.1', port, unitId: i + 1 },
    })),
  }).devices;
}

async function start(links: DeviceLinks, device: Awaited<ReturnType<typeof modbusDevices>>[number]): Promise<void> {
  const driver = await links.driverFor({ device, logger, now: Date.now, onEvent: () => undefined });
  started.push(driver);
  await driver.start();
}

describe('DeviceLinks: the Modbus buses of one gateway', () => {
  it('two devices behind one address share one connection; another gateway does not share it', async () => {
    const port = await freePort(); // nobody listens: the connections keep retrying, which is all this needs
    const [a, b] = await modbusDevices(port);
    const gateway1 = new DeviceLinks();
    const gateway2 = new DeviceLinks();
    expect(gateway1.modbusBuses).toEqual([]);
    await start(gateway1, a!);
    await start(gateway1, b!);
    await start(gateway2, a!);
    expect(gateway1.modbusBuses).toEqual([{ link: `modbus-tcp://127.0.0.1:${port}`, users: 2 }]);
    expect(gateway2.modbusBuses).toEqual([{ link: `modbus-tcp://127.0.0.1:${port}`, users: 1 }]);
    await Promise.all(started.splice(0).map((d) => d.stop()));
    expect([gateway1.modbusBuses, gateway2.modbusBuses]).toEqual([[], []]);
  });
});
