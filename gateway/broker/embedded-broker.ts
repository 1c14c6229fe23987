// The demo's MQTT broker: aedes in-process on 127.0.0.1. If the port already has a broker (the machine's
// Mosquitto, say), the demo uses that one instead and says so; anything else on the port is an error.
import net from 'node:net';
import { Aedes } from 'aedes';
import { GatewayError } from '../../vocabulary/errors.js';
import type { Logger } from '../logger.js';

export interface BrokerHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function startEmbeddedBroker(opts: { host?: string; port?: number; logger: Logger }): Promise<BrokerHandle> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 1883;
  const url = `mqtt://${host}:${port}`;
  if (await portAnswers(host, port)) {
    opts.logger.info({ url }, 'a broker already listens here: using it instead of the embedded one');
    return { url, embedded: false, stop: async () => {} };
  }
  const aedes = await Aedes.createBroker();
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new GatewayError('mqtt.embedded', `cannot listen on ${host}:${port}: ${e.message}`, { host, port }, { cause: e })));
    server.listen(port, host, () => resolve());
  });
  opts.logger.info({ url }, 'embedded MQTT broker (aedes) listening');
  let stopped = false;
  return {
    url,
    embedded: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
