// `sterilink demo` (= `npm start`): the gateway with config/examples/demo.yaml, simulated sterilizers
// serving their printer tickets on local TCP ports (like serial device servers), and an embedded MQTT
// broker on 127.0.0.1:1883 (or the broker already there). Prints one line per finished cycle.
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../config/load-config.js';
import type { GatewayConfig } from '../../config/schema.js';
import { GatewayApp } from '../app.js';
import { createLogger } from '../logger.js';
import { knownProgramIds } from '../programs-registry.js';
import { type CommandIo, println, UsageError } from './command.js';
import { untilSignal } from './signals.js';
import type { SimulatorKit } from './simulator-kit.js';

/** What each demo device simulates; the config is the shipped demo.yaml. */
export const DEMO_SIMULATIONS: Readonly<Record<string, { program: string; fault?: string; name: string }>> = {
  'AC-01': { program: 'steam-134-4', name: 'SZ-01' },
  'AC-02': { program: 'steam-121-20', fault: 'air', name: 'SZ-02' },
};

export function demoConfigFile(): string {
  // dist/gateway/commands -> repo root, or gateway/commands under vitest
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..';
  return path.resolve(here, up, 'config/examples/demo.yaml');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export async function demoCommand(io: CommandIo, kit: SimulatorKit): Promise<number> {
  const { values } = parseArgs({
    args: io.argv, strict: true,
    options: { speed: { type: 'string', default: '60' }, cycles: { type: 'string', default: '0' }, 'data-dir': { type: 'string' }, 'log-level': { type: 'string', default: 'warn' } },
  });
  const speed = Number(values.speed);
  const cycles = Number(values.cycles);
  if (!(speed > 0)) throw new UsageError(`--speed: expected a number > 0, found "${values.speed}"`);
  if (!(Number.isInteger(cycles) && cycles >= 0)) throw new UsageError(`--cycles: expected a whole number >= 0 (0 = forever), found "${values.cycles}"`);

  const loaded = loadConfigFile(demoConfigFile(), { env: { ...io.env, STERILINK_MQTT_URL: '' }, knownPrograms: knownProgramIds() });
  const ports = await Promise.all(loaded.config.devices.map(() => freePort()));
  const config: GatewayConfig = {
    ...loaded.config,
    ...(values['data-dir'] ? { dataDir: path.resolve(values['data-dir']) } : {}),
    devices: loaded.config.devices.map((d, i) => (d.tcp ? { ...d, tcp: { ...d.tcp, port: ports[i] as number } } : d)),
  };
  const logger = createLogger({ level: values['log-level'] as string });
  const sims = new AbortController();
  let finished = 0;
  const app = new GatewayApp({
    config, logger,
    onCycle: (c) => {
      finished++;
      const failed = c.failed.length ? `  failed: ${c.failed.join(', ')}` : '';
      println(io.stdout, `${new Date().toISOString().slice(11, 19)}  ${c.deviceId}  cycle ${String(c.cycleNo ?? '-').padStart(4)}  ${String(c.program).padEnd(14)} ${c.verdict.toUpperCase().padEnd(4)}  record seq ${c.record.seq}${failed}`);
    },
  });
  println(io.stdout, `SteriLink demo: ${config.devices.length} simulated sterilizers at ${speed}x, data in ${config.dataDir}`);
  const runs = config.devices.map(async (d) => {
    const sim = DEMO_SIMULATIONS[d.id];
    if (!sim || !d.tcp) return;
    await kit.runAutoclaveSimulator({
      tcpPort: d.tcp.port, tcpHost: '127.0.0.1', program: sim.program, ...(sim.fault ? { fault: sim.fault } : {}), name: sim.name,
      speed, cycles, seed: Date.now() % 100_000, signal: sims.signal, waitForClient: true,
      log: (line) => logger.debug({ deviceId: d.id }, line),
    }).catch((e: unknown) => logger.error({ deviceId: d.id, err: (e as Error).message }, 'simulator stopped'));
  });
  await app.start();
  for (const d of config.devices) {
    const sim = DEMO_SIMULATIONS[d.id];
    if (sim) println(io.stdout, `  ${d.id}: ${sim.program}${sim.fault ? ` with fault "${sim.fault}"` : ''}, printer ticket on tcp://127.0.0.1:${d.tcp?.port}`);
  }
  println(io.stdout, `MQTT: ${config.mqtt.url === 'embedded' ? 'mqtt://127.0.0.1:1883' : config.mqtt.url}  topics sterilink/v1/${config.site}/${config.gateway}/#  (try: mosquitto_sub -v -t 'sterilink/#')`);
  println(io.stdout, 'Waiting for cycles to finish (a 134 °C cycle takes about 25 s at 60x). Ctrl-C stops.');
  const allDone = cycles > 0 ? Promise.all(runs).then(() => 'done' as const) : new Promise<never>(() => {});
  const why = await Promise.race([untilSignal(), allDone]);
  sims.abort();
  await Promise.allSettled(runs);
  await app.stop();
  println(io.stdout, `demo stopped (${why}); ${finished} cycle(s) recorded`);
  return 0;
}
