// `mqtt.urls` (docs/deployment.md): the nodes of one clustered broker. Exactly one of `url` and `urls`.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../config/load-config.js';
import { brokerUrls } from '../../config/schema.js';
import { buildClientOptions } from '../../gateway/publish/client-options.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { configProblems } from '../helpers/config-problems.js';

const known = new Set(['steam-134-4']);
const withMqtt = (mqtt: string) => `
site: demo
gateway: gw1
mqtt: ${mqtt}
devices: []
`;

const problems = (text: string, env: NodeJS.ProcessEnv = {}): string[] => configProblems(text, { env, knownPrograms: known }, '/etc/sterilink/site.yaml');

describe('config: mqtt.urls', () => {
  it('takes a list of broker nodes, in order', () => {
    const { config } = parseConfigText(withMqtt('{ urls: [mqtt://10.0.0.1:1883, mqtt://10.0.0.2:1883] }'), '/x/site.yaml', { env: {}, knownPrograms: known });
    expect(brokerUrls(config.mqtt)).toEqual(['mqtt://10.0.0.1:1883', 'mqtt://10.0.0.2:1883']);
    const one = parseConfigText(withMqtt('{ url: mqtt://127.0.0.1:1883 }'), '/x/site.yaml', { env: {}, knownPrograms: known });
    expect(brokerUrls(one.config.mqtt)).toEqual(['mqtt://127.0.0.1:1883']);
  });

  it('refuses url and urls together, and neither', () => {
    expect(problems(withMqtt('{ url: mqtt://a:1883, urls: [mqtt://b:1883] }'))).toEqual([
      expect.stringMatching(/^mqtt\.urls: expected either url \(one broker\) or urls \(the nodes of a cluster\), not both/),
    ]);
    expect(problems(withMqtt('{ username: u }'))).toEqual([expect.stringMatching(/^mqtt\.url: expected url \(one broker\) or urls/)]);
  });

  it('refuses an empty list, "embedded" in a list, and a bad URL naming its index', () => {
    expect(problems(withMqtt('{ urls: [] }'))[0]).toMatch(/^mqtt\.urls: expected >= 1/);
    expect(problems(withMqtt('{ urls: [embedded] }'))[0]).toMatch(/^mqtt\.urls\[0\]: expected mqtt:\/\/host:port/);
    expect(problems(withMqtt('{ urls: [mqtt://a:1883, "http://b"] }'))[0]).toMatch(/^mqtt\.urls\[1\]: /);
  });

  it('refuses a clear-text password to any remote node of the list, naming it', () => {
    const p = problems(withMqtt('{ urls: [mqtt://127.0.0.1:1883, mqtt://broker-2.hospital:1883] }'), { STERILINK_MQTT_PASSWORD: 's3cret' });
    expect(p).toEqual([expect.stringMatching(/^mqtt\.urls\[1\]: expected mqtts:\/\//)]);
    expect(p.join('\n')).not.toContain('s3cret');
  });

  it('STERILINK_MQTT_URL names the one broker to use, replacing the list', () => {
    const { config } = parseConfigText(withMqtt('{ urls: [mqtt://a:1883, mqtt://b:1883] }'), '/x/site.yaml', {
      env: { STERILINK_MQTT_URL: 'mqtt://127.0.0.1:1999' },
      knownPrograms: known,
    });
    expect(brokerUrls(config.mqtt)).toEqual(['mqtt://127.0.0.1:1999']);
  });
});

describe('client options: a list of URLs', () => {
  const code = (c: string) => (e: unknown) => isGatewayError(e, c);
  it('checks every node, and names the one at fault', async () => {
    await expect(buildClientOptions({ url: ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1884'], protocolVersion: 5 }, 'id')).resolves.toMatchObject({
      clientId: 'id',
    });
    await expect(buildClientOptions({ url: ['mqtt://127.0.0.1:1883', 'http://b'], protocolVersion: 5 }, 'id')).rejects.toThrow(/mqtt\.urls\[1\]/);
    await expect(buildClientOptions({ url: ['mqtts://a:8883', 'mqtt://b:1883'], tls: { ca: '/x/ca.pem' }, protocolVersion: 5 }, 'id')).rejects.toThrow(
      /mqtt\.urls\[1\] uses mqtt:\/\//,
    );
    await expect(
      buildClientOptions({ url: ['mqtt://127.0.0.1:1883', 'mqtt://broker.hospital:1883'], password: 'pw', protocolVersion: 5 }, 'id'),
    ).rejects.toSatisfy(code('mqtt.insecure'));
    await expect(buildClientOptions({ url: [], protocolVersion: 5 }, 'id')).rejects.toSatisfy(code('mqtt.config'));
  });
});
