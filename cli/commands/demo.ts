// `sterilink demo` (= `npm start`): the gateway with config/examples/demo.yaml, a simulator for every
// device serving its line on a local TCP port (like serial device servers), the scripted CSSD workflow
// of demo-workflow.ts, and an embedded MQTT broker on 127.0.0.1:1883 (or the broker already there).
// Prints one line per finished cycle and per workflow step.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../config/load-config.js';
import { brokerUrls, type DeviceConfig, type GatewayConfig } from '../../config/schema.js';
import { GatewayApp } from '../../gateway/app.js';
import { createLogger, type Logger } from '../../gateway/logger.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import * as kit from '../../simulators/index.js';
import { type CommandIo, println, UsageError } from './command.js';
import { DemoNarrator } from './demo-narrator.js';
import { DemoWorkflow } from './demo-workflow.js';
import { commandSpec, parseCommand } from './options.js';
import { untilSignal } from './signals.js';

/** What each demo device simulates; the config is the shipped demo.yaml. */
type SimKind = 'autoclave' | 'washer' | 'modbus-autoclave' | 'modbus-washer' | 'scanner' | 'bi-reader';
export const DEMO_SIMULATIONS: Readonly<Record<string, { kind: SimKind; program?: string; fault?: string; name: string }>> = {
  'AC-01': { kind: 'autoclave', program: 'steam-134-4', name: 'SZ-01' },
  'AC-02': { kind: 'autoclave', program: 'steam-121-20', fault: 'air', name: 'SZ-02' },
  'AC-03': { kind: 'modbus-autoclave', program: 'steam-134-18', name: 'SZ-03' },
  'WD-01': { kind: 'washer', program: 'washer-a0-3000', name: 'WD-01' },
  'WD-02': { kind: 'modbus-washer', program: 'washer-a0-600', name: 'WD-02' },
  'SC-01': { kind: 'scanner', name: 'SC-01' },
  'SC-02': { kind: 'scanner', name: 'SC-02' },
  'SC-LN': { kind: 'scanner', name: 'SC-LN' },
  'BI-01': { kind: 'bi-reader', name: 'BI-01' },
};

const MODBUS_MAX_SPEED = 20;
/** With --cycles N: how long the demo waits after the simulators finish for the last cycles to be recorded. */
const DONE_GRACE_MS = 15_000;

export function demoConfigFile(): string {
  // dist/cli/commands -> repo root, or cli/commands under vitest
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..';
  return path.resolve(here, up, 'config/examples/demo.yaml');
}

/** Whether host:port can be listened on now. */
function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
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

interface RunContext {
  speed: number;
  cycles: number;
  signal: AbortSignal;
  logger: Logger;
  workflow: DemoWorkflow;
}

function runSimulator(d: DeviceConfig, port: number, r: RunContext): Promise<void> {
  const sim = DEMO_SIMULATIONS[d.id];
  if (!sim) return Promise.resolve();
  const log = (line: string) => r.logger.debug({ deviceId: d.id }, line);
  const common = { tcpPort: port, tcpHost: '127.0.0.1', signal: r.signal, waitForClient: true, log };
  switch (sim.kind) {
    case 'autoclave':
    case 'washer': {
      const run = sim.kind === 'washer' ? kit.runWasherSimulator : kit.runAutoclaveSimulator;
      return run({
        ...common,
        program: sim.program as string,
        ...(sim.fault ? { fault: sim.fault } : {}),
        name: sim.name,
        speed: r.speed,
        cycles: r.cycles,
        seed: Date.now() % 100_000,
      });
    }
    case 'modbus-autoclave':
    case 'modbus-washer':
      return kit.runModbusSimulator({
        // Polled machines: one poll must see every simulated second (the program's maxGapS is 5 s), so they run
        // at most at 20x with the 50 ms poll of demo.yaml; a real machine runs at 1x and is polled every second.
        kind: sim.kind === 'modbus-washer' ? 'washer' : 'autoclave',
        modbusTcpPort: port,
        program: sim.program as string,
        speed: Math.min(r.speed, MODBUS_MAX_SPEED),
        cycles: r.cycles,
        seed: Date.now() % 100_000,
        signal: r.signal,
        log,
      });
    case 'scanner':
      return kit.runScannerSimulator({
        ...common,
        codes: DemoWorkflow.firstCodes(d.id),
        intervalMs: 200,
        keepRunning: true,
        onReady: ({ scanner }) => r.workflow.attachScanner(scanner, d.id),
      });
    case 'bi-reader':
      return kit.runBiReaderSimulator({
        ...common,
        speed: r.speed,
        script: [],
        keepRunning: true,
        readerId: sim.name,
        onReady: ({ reader }) => r.workflow.attachReader(reader),
      });
  }
}

const DEMO = commandSpec({
  name: 'sterilink demo',
  usage: 'usage: sterilink demo [--speed N] [--cycles N] [--data-dir DIR] [--gateway NAME] [--log-level L]',
  details: `The gateway with config/examples/demo.yaml, a simulator for every device, the scripted CSSD workflow, an MQTT
broker on 127.0.0.1:1883 (embedded, or the one already there) and the web page. Ctrl-C stops it.
  --speed N       simulated machines run N times real time (default 60)
  --cycles N      stop after N cycles per machine (default 0: until Ctrl-C)
  --data-dir DIR  keep the store there (default: a fresh temp folder each run)
  --gateway NAME  the gateway's name in the topics (default cssd-demo)
  --log-level L   the gateway's JSON log (default error: the demo prints its own lines)`,
  options: {
    speed: { type: 'string', default: '60' },
    cycles: { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    gateway: { type: 'string' },
    // the demo speaks in human lines; the gateway's JSON log shows only what went wrong in the software
    'log-level': { type: 'string', default: 'error' },
  },
});

export async function demoCommand(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, DEMO, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const speed = Number(values.speed);
  const cycles = Number(values.cycles);
  if (!(speed > 0)) throw new UsageError(`--speed: expected a number > 0, found "${values.speed}"`);
  if (!(Number.isInteger(cycles) && cycles >= 0)) throw new UsageError(`--cycles: expected a whole number >= 0 (0 = forever), found "${values.cycles}"`);

  if (values.gateway !== undefined && !/^[A-Za-z0-9_-]+$/.test(values.gateway)) {
    throw new UsageError(`--gateway: expected letters, digits, "_" or "-" (a topic segment), found "${values.gateway}"`);
  }
  const loaded = loadConfigFile(demoConfigFile(), { env: { ...io.env, STERILINK_MQTT_URL: '', STERILINK_DATA_DIR: '' }, knownPrograms: knownProgramIds() });
  const ports = await Promise.all(loaded.config.devices.map(() => freePort()));
  const withPort = (d: DeviceConfig, port: number): DeviceConfig =>
    d.tcp ? { ...d, tcp: { ...d.tcp, port } } : d.modbus?.mode === 'tcp' ? { ...d, modbus: { ...d.modbus, port } } : d;
  // A fresh store per run unless asked: the demo's records, keys and loads do not mix with earlier runs.
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-demo-'));
  // The page on 127.0.0.1:8080 as configured, or on a free port when something else has 8080.
  let http = loaded.config.http;
  let webPortTaken: string | null = null;
  const listen = http ? /^(.*):(\d+)$/.exec(http.listen) : null;
  if (http && listen && !(await portFree(listen[1] as string, Number(listen[2])))) {
    webPortTaken = http.listen;
    http = { ...http, listen: `${listen[1]}:0` };
  }
  const gateway = values.gateway ?? loaded.config.gateway;
  const config: GatewayConfig = {
    ...loaded.config,
    gateway,
    dataDir,
    devices: loaded.config.devices.map((d, i) => withPort(d, ports[i] as number)),
    ...(http ? { http } : {}),
    // a client id of its own: a second demo, or a site gateway on the same broker, is never kicked off
    mqtt: { ...loaded.config.mqtt, clientId: `sterilink-${gateway}-${process.pid}` },
  };
  const logger = createLogger({ level: values['log-level'] as string });
  const sims = new AbortController();
  // Workflow and cycle lines wait until the header is printed (the scanner speaks as soon as it connects).
  const held: string[] | null = [];
  let heldLines: string[] | null = held;
  const say = (line: string) => {
    const stamped = `${new Date().toISOString().slice(11, 19)}  ${line}`;
    if (heldLines) heldLines.push(stamped);
    else println(io.stdout, stamped);
  };
  const workflow = new DemoWorkflow(say);
  let finished = 0;
  const perDevice = new Map<string, { pass: number; fail: number }>();
  const app = new GatewayApp({
    config,
    logger,
    clearRetainedOnStop: true,
    onCycle: (c) => {
      finished++;
      const tally = perDevice.get(c.deviceId) ?? { pass: 0, fail: 0 };
      if (c.verdict === 'pass') tally.pass++;
      else tally.fail++;
      perDevice.set(c.deviceId, tally);
      const failed = c.failed.length ? `  failed: ${c.failed.join(', ')}` : '';
      say(
        `${c.deviceId}  cycle ${String(c.cycleNo ?? '-').padStart(4)}  ${String(c.program).padEnd(14)} ${c.verdict.toUpperCase().padEnd(4)}  record seq ${c.record.seq}${failed}`,
      );
      workflow.onCycle(c);
    },
  });
  println(io.stdout, `SteriLink demo: ${config.devices.length} simulated devices at ${speed}x, data in ${dataDir}`);
  const ctx: RunContext = { speed, cycles, signal: sims.signal, logger, workflow };
  const runs = config.devices.map((d) =>
    runSimulator(d, d.tcp?.port ?? d.modbus?.port ?? 0, ctx).catch((e: unknown) =>
      logger.error({ deviceId: d.id, err: (e as Error).message }, 'simulator stopped'),
    ),
  );
  for (const d of config.devices) {
    const sim = DEMO_SIMULATIONS[d.id];
    if (sim)
      println(
        io.stdout,
        `  ${d.id.padEnd(6)} ${sim.kind}${sim.program ? ` ${sim.program}` : ''}${sim.fault ? ` with fault "${sim.fault}"` : ''} on ${d.modbus ? 'modbus-tcp' : 'tcp'}://127.0.0.1:${d.tcp?.port ?? d.modbus?.port}`,
      );
  }
  await app.start();
  const root = `sterilink/v1/${config.site}/${config.gateway}`;
  const broker = app.embeddedBroker;
  const brokerUrl = broker?.url ?? brokerUrls(config.mqtt)[0] ?? 'mqtt://127.0.0.1:1883';
  println(
    io.stdout,
    broker && !broker.embedded
      ? `MQTT: a broker already listens on ${broker.url.replace('mqtt://', '')}: using it (client id ${config.mqtt.clientId})`
      : `MQTT: ${broker ? `embedded broker (aedes) on ${broker.url}` : brokerUrls(config.mqtt).join(', ')}`,
  );
  println(io.stdout, `  records: mosquitto_sub -v -t '${root}/records/#'   (telemetry: ${root}/device/+/telemetry, many messages a second)`);
  if (app.webUrl) println(io.stdout, `Web page: ${app.webUrl}${webPortTaken ? `  (${webPortTaken} was taken: a free port instead)` : ''}`);
  if (app.metricsUrl)
    println(
      io.stdout,
      `Metrics: ${app.metricsUrl}  (Prometheus; health: ${new URL('healthz', app.metricsUrl).href}, ${new URL('readyz', app.metricsUrl).href})`,
    );
  println(io.stdout, 'A 134 °C cycle takes about 20 s at 60x. Ctrl-C stops.');
  for (const line of held) println(io.stdout, line);
  heldLines = null;
  const cycleSims = config.devices.filter((d) => ['autoclave', 'washer', 'modbus-autoclave', 'modbus-washer'].includes(DEMO_SIMULATIONS[d.id]?.kind ?? ''));
  const allDone =
    cycles > 0
      ? Promise.all(runs.filter((_, i) => cycleSims.includes(config.devices[i] as DeviceConfig))).then(() => 'done' as const)
      : new Promise<never>(() => {});
  const narrator = new DemoNarrator({
    url: brokerUrl,
    root,
    clientId: `sterilink-demo-narrator-${process.pid}`,
    say,
    onError: (e) => logger.error({ err: e.message }, 'demo narrator: MQTT error'),
  });
  narrator.start();
  const why = await Promise.race([untilSignal(), allDone]);
  if (why === 'done') {
    // the simulators have sent their last lines; give the gateway a moment to close those cycles
    const expected = cycles * cycleSims.length;
    for (let waited = 0; finished < expected && waited < DONE_GRACE_MS; waited += 100) await new Promise((r) => setTimeout(r, 100));
  }
  // The gateway stops before its simulated machines, so no device reports its line going down.
  await narrator.stop();
  await app.stop();
  sims.abort();
  await Promise.allSettled(runs);
  println(io.stdout, `demo stopped (${why === 'done' ? `${cycles} cycle(s) per machine done` : why}); retained topics cleared`);
  for (const d of config.devices) {
    const tally = perDevice.get(d.id);
    const kind = DEMO_SIMULATIONS[d.id]?.kind ?? d.type;
    println(io.stdout, `  ${d.id.padEnd(6)} ${tally ? `${tally.pass + tally.fail} cycle(s): ${tally.pass} pass, ${tally.fail} fail` : kind}`);
  }
  println(io.stdout, `Records, keys and curves are kept in ${dataDir} (sterilink db verify --data-dir ${dataDir})`);
  return 0;
}
