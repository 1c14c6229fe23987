// The watch's MQTT side: a read-only subscriber (clean session, random client id, MQTT 3.1.1 so any
// broker will do) that reports every message and its link. The first connection must succeed within
// `timeoutMs` or the caller gets BrokerUnreachable (a wrong URL is an error, not a reason to wait);
// after that, mqtt.js reconnects every second and resubscribes, and the retained state comes again.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { redactUrl } from '../../vocabulary/redact-url.js';

export class BrokerUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnreachable';
  }
}

export interface SubscriberHandlers {
  message(topic: string, payload: Buffer, retained: boolean): void;
  /** After the first connection: false when it is lost (with the reason), true when it is back. */
  link(up: boolean, reason?: string): void;
}

export interface WatchSubscriber {
  close(): Promise<void>;
}

const errText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}${err.message && !err.message.includes(err.code) ? ` (${err.message})` : ''}` : String((e as Error)?.message ?? e);
};

export async function subscribeWatch(url: string, filters: string[], h: SubscriberHandlers, timeoutMs = 5000): Promise<WatchSubscriber> {
  const shown = redactUrl(url);
  const client: MqttClient = mqtt.connect(url, {
    clientId: `sterilink-watch-${randomBytes(6).toString('hex')}`,
    clean: true,
    protocolVersion: 4,
    keepalive: 30,
    connectTimeout: timeoutMs,
    reconnectPeriod: 1000,
    resubscribe: true,
  });
  client.on('message', (topic, payload, packet) => h.message(topic, payload, packet.retain));
  client.on('error', () => {}); // reported below; an 'error' without a listener would throw

  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.off('error', onError);
      client.off('close', onClose);
      client.off('connect', onConnect);
      if (err === undefined) return resolve();
      client.end(true);
      reject(new BrokerUnreachable(err));
    };
    const timer = setTimeout(() => finish(`no answer from the MQTT broker at ${shown} within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    let lastError = '';
    const onError = (e: unknown) => {
      lastError = errText(e);
      // A refused CONNECT (bad credentials, …) is final; a socket error ends in 'close' just after.
      if ((e as { code?: unknown })?.code !== undefined && typeof (e as { code?: unknown }).code === 'number')
        finish(`the MQTT broker at ${shown} refused the connection: ${lastError}`);
    };
    const onClose = () => finish(`cannot reach the MQTT broker at ${shown}: ${lastError || 'connection closed'}`);
    const onConnect = () => {
      client.subscribe(filters, { qos: 1 }, (err, granted) => {
        if (err) return finish(`the MQTT broker at ${shown} refused the subscription: ${errText(err)}`);
        const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
        if (refused.length) return finish(`the MQTT broker at ${shown} refused the subscription to ${refused.join(', ')} (not authorised?)`);
        finish();
      });
    };
    client.on('error', onError);
    client.on('close', onClose);
    client.on('connect', onConnect);
  });

  let up = true;
  let closing = false;
  let lastError = '';
  client.on('error', (e) => {
    lastError = errText(e);
  });
  client.on('close', () => {
    if (!up || closing) return;
    up = false;
    h.link(false, lastError || 'connection closed');
  });
  client.on('connect', () => {
    if (closing) return;
    up = true;
    lastError = '';
    h.link(true);
  });
  return {
    async close() {
      closing = true;
      client.removeAllListeners('message');
      await client.endAsync(true);
    },
  };
}
