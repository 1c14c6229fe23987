// The end-to-end rig most gateway tests start from: a private Mosquitto, a subscriber on the gateway's
// topics, and the built CLI running `sterilink run` on a config with the given devices, in a temp folder.
import path from 'node:path';
import { type Proc, startCli, tempDir, writeConfig } from './cli.js';
import { Mosquitto, MqttCollector } from './mosquitto.js';

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
