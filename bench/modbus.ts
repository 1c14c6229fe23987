// Budget (docs/performance.md): the configured Modbus poll rate held (≥ 99 %) for 32 devices over TCP.
// 32 simulated machines (sterilizers and washers alternating, each its own Modbus TCP server on a free
// loopback port) and 32 ModbusDrivers polling them in this one process; after a warm-up, the answered
// polls over the window are compared with what the configured rate asks for: polls answered between the
// last answer before the window and the last answer in it, times pollMs, over the time between the two.

import { pino } from 'pino';
import { ModbusBusRegistry } from '../drivers/modbus/bus-registry.js';
import { ModbusDriver } from '../drivers/modbus/driver.js';
import { runModbusSimulator } from '../simulators/modbus-machine.js';

export interface ModbusBenchOptions {
  devices?: number;
  pollMs?: number;
  seconds?: number;
  warmupMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function benchModbus(opts: ModbusBenchOptions = {}): Promise<Record<string, number>> {
  const devices = opts.devices ?? 32;
  const pollMs = opts.pollMs ?? 200;
  const seconds = opts.seconds ?? 10;
  const aborts: AbortController[] = [];
  const sims: Promise<void>[] = [];
  const ports: number[] = [];
  for (let i = 0; i < devices; i++) {
    const washer = i % 2 === 1;
    const abort = new AbortController();
    aborts.push(abort);
    const port = await new Promise<number>((resolve, reject) => {
      const run = runModbusSimulator({
        kind: washer ? 'washer' : 'autoclave',
        program: washer ? 'washer-a0-3000' : 'steam-134-4',
        modbusTcpPort: 0,
        speed: 10,
        cycles: 0,
        seed: i + 1,
        signal: abort.signal,
        onReady: (info) => resolve(info.tcpPort as number),
      });
      run.catch(reject);
      sims.push(run);
    });
    ports.push(port);
  }

  const logger = pino({ level: 'silent' });
  const buses = new ModbusBusRegistry();
  const drivers = ports.map(
    (port, i) =>
      new ModbusDriver({
        deviceId: `BENCH-${String(i + 1).padStart(2, '0')}`,
        link: { mode: 'tcp', host: '127.0.0.1', port },
        unitId: 1,
        pollMs,
        timeoutMs: 1000,
        buses,
        logger,
        now: Date.now,
        onEvent: () => undefined,
      }),
  );
  try {
    await Promise.all(drivers.map((d) => d.start()));
    await sleep(opts.warmupMs ?? 1000);
    const before = drivers.map((d) => d.counters);
    const failedBefore = drivers.reduce((n, d) => n + d.counters.failed, 0);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // per device: answered polls × pollMs / the time they took = achieved rate / configured rate
    const rates = drivers.map((d, i) => {
      const a = before[i]!;
      const b = d.counters;
      const span = (b.lastOkAt ?? 0) - (a.lastOkAt ?? 0);
      return span > 0 ? ((b.ok - a.ok) * pollMs) / span : 0;
    });
    const pct = (x: number) => Math.round(x * 1000) / 10;
    return {
      modbusDevices: devices,
      modbusPollMs: pollMs,
      modbusAchievedPollRatePct: pct(rates.reduce((s, r) => s + r, 0) / devices),
      modbusMinDevicePollRatePct: pct(Math.min(...rates)),
      modbusFailedPolls: drivers.reduce((n, d) => n + d.counters.failed, 0) - failedBefore,
      // drivers and the 32 simulated devices share this process, so this is an upper bound for the drivers
      modbusCpuPctOfOneCoreWithSimulators: Math.round(((cpu.user + cpu.system) / 1000 / elapsed) * 1000) / 10,
    };
  } finally {
    await Promise.all(drivers.map((d) => d.stop()));
    for (const a of aborts) a.abort();
    await Promise.allSettled(sims);
  }
}

// `node dist/bench/modbus.js` runs this figure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchModbus(), null, 2)}\n`);
}
