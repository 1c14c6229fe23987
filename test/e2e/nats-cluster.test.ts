// Scale-out on an existing MQTT cluster (issue 12): the gateway on a 3-node NATS cluster (JetStream, MQTT
// endpoint on each node) with `mqtt.urls`. While cycles run, the node the gateway is connected to is
// killed: the gateway moves to another node, the retained status and device state are right there, and a
// consumer with a persistent session on the third node receives every record (dedupe by id, no seq gap).
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../gateway/store/index.js';
import { startCli, tempDir, writeConfig } from '../helpers/cli.js';
import { tcpAutoclave, tcpAutoclaveSimulator } from '../helpers/gateway-rig.js';
import { MqttCollector } from '../helpers/mosquitto.js';
import { NatsCluster } from '../helpers/nats-cluster.js';

const SITE = 'nats';
const ROOT = `sterilink/v1/${SITE}/gw1`;

interface LogLine {
  msg?: string;
  url?: string;
}
const logLines = (out: string): LogLine[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

/**
 * A subscription made right after a node died can be refused (SUBACK 0x80, "Unspecified error") while
 * JetStream elects new leaders for the MQTT streams the dead node led (retained messages, sessions): a
 * hospital system retries, and so does this newcomer, for up to 20 s. Any other error is thrown at once.
 */
async function afterFailover<T>(connect: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await connect();
    } catch (e) {
      if (!/Subscribe error/.test((e as Error).message) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('gateway on a 3-node NATS cluster (mqtt.urls)', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('moves to another node when its node dies mid-cycle; the consumer on a third node misses nothing', async () => {
    const cluster = await NatsCluster.start(3);
    cleanup.push(() => cluster.dispose());
    const [n1, , n3] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    // The hospital system: a persistent session (QoS 1) on node 3.
    const consumer = await MqttCollector.connect(n3.url, `${ROOT}/records/#`, { clientId: 'hospital-lis', clean: false, protocolVersion: 4 });
    cleanup.push(() => consumer.close());

    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const { port: simPort, sim } = await tcpAutoclaveSimulator({ speed: 200, cycles: 2 });
    cleanup.push(() => sim.kill('SIGKILL'));
    const cfg = writeConfig(dir, {
      site: SITE,
      gateway: 'gw1',
      dataDir,
      mqtt: { urls: cluster.urls },
      devices: [tcpAutoclave(simPort)],
    });
    const gw = startCli(['run', '--config', cfg]);
    cleanup.push(() => gw.kill('SIGKILL'));
    await gw.waitForOutput('gateway running');
    await gw.waitForOutput('"mqtt connected"');
    expect(logLines(gw.output()).find((l) => l.msg === 'mqtt connected')?.url).toBe(n1.url);

    // Cycle 1 is recorded; cycle 2 runs while node 1 (the gateway's) dies.
    // Everything the gateway says about its devices, live, on node 2.
    const live = await MqttCollector.connect(cluster.nodes[1]!.url, `${ROOT}/device/+/state`, { protocolVersion: 4 });
    cleanup.push(() => live.close());
    const cycleRecords = () => consumer.filter((m) => m.topic === `${ROOT}/records/cycle`);
    await consumer.waitFor((m) => m.topic === `${ROOT}/records/cycle`, 40_000);
    await cluster.kill('n1');
    await gw.waitForOutput('"mqtt reconnected"', 20_000);
    const movedTo = logLines(gw.output()).find((l) => l.msg === 'mqtt reconnected')?.url;
    expect(movedTo).not.toBe(n1.url);
    expect(cluster.urls).toContain(movedTo);
    await consumer.waitFor(() => cycleRecords().length >= 2 && new Set(cycleRecords().map((m) => (m.json as SignedRecord).seq)).size >= 2, 40_000);
    expect(await sim.exited).toBe(0);

    // Retained, as a newcomer on node 3 sees them after the failover.
    const viewer = await afterFailover(() => MqttCollector.connect(n3.url, `${ROOT}/+`, { protocolVersion: 4 }));
    cleanup.push(() => viewer.close());
    const status = await viewer.waitFor((m) => m.topic === `${ROOT}/status`);
    expect(status.retain).toBe(true);
    expect(status.json).toMatchObject({ online: true });
    // The simulator has ended: the gateway's last word on AC-01 is "disconnected", and that is what is retained.
    const last = await live.waitFor((m) => m.topic === `${ROOT}/device/AC-01/state` && (m.json as { connected: boolean }).connected === false);
    const stateViewer = await afterFailover(() => MqttCollector.connect(n3.url, `${ROOT}/device/+/state`, { protocolVersion: 4 }));
    cleanup.push(() => stateViewer.close());
    const state = await stateViewer.waitFor((m) => m.topic === `${ROOT}/device/AC-01/state`);
    expect(state.retain).toBe(true);
    expect(state.json).toEqual(last.json);

    expect(await gw.kill('SIGTERM')).toBe(0);
    const db = new Database(path.join(dataDir, 'sterilink.db'), { readonly: true });
    const stored = db.prepare('select seq, id from records order by seq').all() as Array<{ seq: number; id: string }>;
    db.close();
    expect(stored.map((r) => r.seq)).toEqual(stored.map((_, i) => i + 1));
    // Every stored record reached the consumer on node 3: by id, with no seq missing.
    await consumer.waitFor(() => new Set(consumer.messages.map((m) => (m.json as SignedRecord).id)).size >= stored.length, 20_000);
    const byId = new Map(consumer.messages.map((m) => [(m.json as SignedRecord).id, (m.json as SignedRecord).seq]));
    expect([...byId.values()].sort((a, b) => a - b)).toEqual(stored.map((r) => r.seq));
    expect(new Set(byId.keys())).toEqual(new Set(stored.map((r) => r.id)));
  }, 120_000);
});
