// A private 3-node NATS cluster with JetStream and the MQTT endpoint on each node (Debian's nats-server,
// or $NATS_SERVER), every node on its own loopback ports with its own store folder under a temp folder:
// the "existing MQTT cluster" of a hospital in miniature. Nodes can be killed and started again.
// NATS' MQTT speaks 3.1.1 only (the gateway falls back from 5 on its own). No vitest imports.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort } from './mosquitto.js';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export interface NatsNode {
  name: string;
  clientPort: number;
  clusterPort: number;
  mqttPort: number;
  /** mqtt://127.0.0.1:<mqttPort> */
  url: string;
}

export class NatsCluster {
  private readonly procs = new Map<string, ChildProcess>();
  private readonly output = new Map<string, string>();

  private constructor(
    readonly dir: string,
    readonly nodes: NatsNode[],
  ) {}

  /**
   * Starts `size` nodes and resolves once every node's MQTT endpoint answers a CONNECT. A free port found
   * by freePort() can be taken by another process (a parallel test's outgoing connection) before the node
   * binds it: a node that exits with "address already in use" makes the whole cluster start again on new
   * ports (up to 3 attempts); any other failure is thrown at once.
   */
  static async start(size = 3, timeoutMs = 30_000): Promise<NatsCluster> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await NatsCluster.startOnce(size, timeoutMs);
      } catch (e) {
        if (attempt >= 3 || !/address already in use/.test((e as Error).message)) throw e;
      }
    }
  }

  private static async startOnce(size: number, timeoutMs: number): Promise<NatsCluster> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sterilink-nats-'));
    const taken = new Set<number>();
    const distinctPort = async (): Promise<number> => {
      for (;;) {
        const p = await freePort();
        if (!taken.has(p)) {
          taken.add(p);
          return p;
        }
      }
    };
    const nodes: NatsNode[] = [];
    for (let i = 1; i <= size; i++) {
      const [clientPort, clusterPort, mqttPort] = [await distinctPort(), await distinctPort(), await distinctPort()];
      nodes.push({ name: `n${i}`, clientPort, clusterPort, mqttPort, url: `mqtt://127.0.0.1:${mqttPort}` });
    }
    const cluster = new NatsCluster(dir, nodes);
    try {
      for (const n of nodes) cluster.launch(n);
      await Promise.all(nodes.map((n) => cluster.waitForMqtt(n, timeoutMs)));
    } catch (e) {
      await cluster.dispose();
      throw e;
    }
    return cluster;
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  node(name: string): NatsNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  logs(name: string): string {
    return this.output.get(name) ?? '';
  }

  /** SIGKILL: the node is gone at once, its sockets reset. */
  async kill(name: string): Promise<void> {
    const p = this.procs.get(name);
    if (!p) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((n) => this.kill(n)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private config(n: NatsNode): string {
    const routes = this.nodes
      .filter((x) => x !== n)
      .map((x) => `"nats-route://127.0.0.1:${x.clusterPort}"`)
      .join(', ');
    return (
      [
        `server_name: ${n.name}`,
        `listen: "127.0.0.1:${n.clientPort}"`,
        `jetstream { store_dir: "${path.join(this.dir, n.name)}", max_memory_store: 64MB, max_file_store: 512MB }`,
        `cluster { name: sterilink-test, listen: "127.0.0.1:${n.clusterPort}", routes: [${routes}] }`,
        // MQTT's own streams (sessions, retained messages, QoS 1 messages) replicated on every node.
        `mqtt { listen: "127.0.0.1:${n.mqttPort}", stream_replicas: ${this.nodes.length} }`,
      ].join('\n') + '\n'
    );
  }

  private launch(n: NatsNode): void {
    const conf = path.join(this.dir, `${n.name}.conf`);
    writeFileSync(conf, this.config(n));
    const p = spawn(binary(), ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (b: Buffer) => this.output.set(n.name, ((this.output.get(n.name) ?? '') + b.toString()).slice(-64 * 1024));
    p.stdout?.on('data', collect);
    p.stderr?.on('data', collect);
    p.once('error', (e) => collect(Buffer.from(`spawn error: ${e.message}\n`)));
    p.once('exit', () => {
      running.delete(p);
      if (this.procs.get(n.name) === p) this.procs.delete(n.name);
    });
    running.add(p);
    this.procs.set(n.name, p);
  }

  /** JetStream needs its meta leader before MQTT sessions work: a CONNACK proves the node is ready. */
  private async waitForMqtt(n: NatsNode, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (!this.procs.has(n.name)) throw new Error(`nats-server ${n.name} exited:\n${this.logs(n.name)}`);
      try {
        await connackFrom(n.url, `ready-${n.name}-${process.pid}`, Math.max(500, Math.min(5000, deadline - Date.now())));
        return;
      } catch (e) {
        last = (e as Error).message;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`nats ${n.name}: MQTT not ready within ${timeoutMs} ms (${last}):\n${this.logs(n.name)}`);
  }
}

/** One CONNECT; resolves on CONNACK, rejects on an error, a close or after `timeoutMs`. */
function connackFrom(url: string, clientId: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { protocolVersion: 4, clientId, reconnectPeriod: 0, connectTimeout: timeoutMs });
    const done = (err?: Error) => {
      clearTimeout(timer);
      c.removeAllListeners();
      c.on('error', () => {});
      c.end(true);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error('no CONNACK')), timeoutMs);
    c.once('connect', () => done());
    c.once('error', (e) => done(e));
    c.once('close', () => done(new Error('closed before CONNACK')));
  });
}

function binary(): string {
  if (process.env.NATS_SERVER) return process.env.NATS_SERVER;
  return existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';
}
