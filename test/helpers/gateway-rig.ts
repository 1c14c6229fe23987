// The end-to-end rig most gateway tests start from: a private Mosquitto, a subscriber on the gateway's
// topics, and the built CLI running `sterilink run` on a config with the given devices, in a temp folder.
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Proc, type PtyPair, ptyPair, startCli, startSimulator, tempDir, writeConfig } from './cli.js';
import { freePort, Mosquitto, MqttCollector } from './mosquitto.js';

export interface GatewayRigOptions {
  /** The folder for the config and `data/`; default a new temp folder (PTY links may already be in it). */
  dir?: string;
  site: string;
  /** Default `gw1`. */
  gateway?: string;
  /** The config's `devices`. */
  devices: object[];
  /** More top-level sections of the config (`release`, `loaner`, …). */
  extra?: Record<string, unknown>;
}

export interface GatewayRig {
  dir: string;
  dataDir: string;
  /** The config file. */
  cfg: string;
  broker: Mosquitto;
  /** Everything published under `sterilink/v1/<site>/<gateway>/`. */
  sub: MqttCollector;
  /** The running gateway (the latest one after `restart()`). */
  readonly gw: Proc;
  /** Starts the gateway again on the same config, once the test has stopped it; resolves once it runs. */
  restart(): Promise<void>;
  /** Kills the gateway, closes the subscriber, stops the broker. */
  close(): Promise<void>;
}

async function runGateway(cfg: string): Promise<Proc> {
  const gw = startCli(['run', '--config', cfg]);
  await gw.waitForOutput('gateway running');
  return gw;
}

/** Resolves once the gateway says it is running. */
export async function startGatewayRig(o: GatewayRigOptions): Promise<GatewayRig> {
  const dir = o.dir ?? tempDir();
  const dataDir = path.join(dir, 'data');
  const gateway = o.gateway ?? 'gw1';
  const broker = await Mosquitto.start();
  const sub = await MqttCollector.connect(broker.url, `sterilink/v1/${o.site}/${gateway}/#`);
  // no reserve file (16 MiB by default) in each of the suite's temp folders; the full-disk faults set their own
  const storage = { reserveMiB: 0 };
  const cfg = writeConfig(dir, { site: o.site, gateway, dataDir, mqtt: { url: broker.url }, devices: o.devices, storage, ...o.extra });
  let gw = await runGateway(cfg);
  return {
    dir,
    dataDir,
    cfg,
    broker,
    sub,
    get gw() {
      return gw;
    },
    restart: async () => {
      gw = await runGateway(cfg);
    },
    close: async () => {
      await gw.kill('SIGKILL');
      await sub.close();
      await broker.dispose();
    },
  };
}

/** AC-01, a steam sterilizer printing steam-134-4 tickets at 9600 baud on the serial port `path`; `more` adds or overrides keys. */
export function serialPrinterLine(path: string, more: Record<string, unknown> = {}): object {
  return { id: 'AC-01', type: 'steam-sterilizer', driver: 'printer-line', serial: { path, baudRate: 9600 }, program: 'steam-134-4', ...more };
}

/** AC-01 as the serial end-to-end tests have it: a 300-litre steam sterilizer printing on the serial port `path`. */
export function serialAutoclave(path: string, more: Record<string, unknown> = {}): object {
  return serialPrinterLine(path, { chamberLitres: 300, ...more });
}

/** A rig whose AC-01 reads the gateway end of a socat PTY pair; `pty.dev` is the simulator's end. */
export interface SerialAutoclaveRig {
  readonly rig: GatewayRig;
  readonly pty: PtyPair;
}

/**
 * For the describe block it is called in: a rig on site `site` with AC-01 on a fresh PTY pair (links named
 * `ptyName`), started before the block's tests and stopped after them. Read `rig` and `pty` inside the tests.
 */
export function useSerialAutoclaveRig(site: string, ptyName: string): SerialAutoclaveRig {
  let rig: GatewayRig | undefined;
  let pty: PtyPair | undefined;
  beforeAll(async () => {
    const dir = tempDir();
    pty = await ptyPair(dir, ptyName);
    rig = await startGatewayRig({ dir, site, devices: [serialAutoclave(pty.gw)] });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
    await pty?.proc.kill('SIGKILL');
  });
  const started = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error('the serial autoclave rig is not started (use it inside a test)');
    return x;
  };
  return {
    get rig() {
      return started(rig);
    },
    get pty() {
      return started(pty);
    },
  };
}

/**
 * AC-01 reading a simulator's TCP port. The simulator's clock runs accelerated and no Bowie–Dick test ran
 * today: the clock-drift alarm and the Bowie–Dick hold are off, since neither is what these tests are about.
 */
export function tcpAutoclave(port: number): object {
  return {
    id: 'AC-01',
    type: 'steam-sterilizer',
    driver: 'printer-line',
    tcp: { host: '127.0.0.1', port },
    program: 'steam-134-4',
    clockDriftAlarmS: 0,
    dailyBowieDick: false,
  };
}

/** A simulated steam-134-4 autoclave on a free TCP port, waiting for the gateway to connect; resolves once it listens. */
export async function tcpAutoclaveSimulator(o: { speed: number; cycles: number }): Promise<{ port: number; sim: Proc }> {
  const port = await freePort();
  const sim = startSimulator('autoclave', { tcp: port, program: 'steam-134-4', speed: o.speed, cycles: o.cycles, waitClient: true });
  await sim.waitForOutput(String(port));
  return { port, sim };
}
