// A private Mosquitto on a free loopback port (start, stop, kill, restart on the same port), for the bench's
// publisher figures and the tests that talk MQTT (test/helpers/mosquitto.ts hands it on). Plain Node, no
// test framework: `npm run bench` builds and runs it without the tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface MosquittoOptions {
  /** Default: a free loopback port (retried if another process takes it first). */
  port?: number;
  /** Keep sessions and retained messages across restarts (saved on SIGTERM). Default false. */
  persistence?: boolean;
  /** More mosquitto.conf lines, e.g. a TLS listener. */
  extraConfig?: string[];
  /** Default: $MOSQUITTO, else /usr/sbin/mosquitto, else `mosquitto` on the PATH. */
  binary?: string;
  /** Ceiling for the listener to accept connections. Default 10 s. */
  startTimeoutMs?: number;
}

export class Mosquitto {
  private proc: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    /** Temporary folder with mosquitto.conf (and the persistence file); removed by dispose(). */
    readonly dir: string,
    private readonly opts: MosquittoOptions,
  ) {}

  /** Starts a broker: `listener PORT 127.0.0.1`, `allow_anonymous true`, persistence as asked. */
  static async start(opts: MosquittoOptions = {}): Promise<Mosquitto> {
    for (let attempt = 0; ; attempt++) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sterilink-mosq-'));
      // Started as root, Mosquitto drops to its own user: it must still be able to write its persistence file.
      chmodSync(dir, 0o777);
      const broker = new Mosquitto(opts.port ?? (await freePort()), dir, opts);
      try {
        await broker.launch();
        return broker;
      } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        if (opts.port !== undefined || attempt >= 2) throw e;
      }
    }
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null;
  }

  /** What the broker printed (for failure messages). */
  logs(): string {
    return this.output;
  }

  /** Stops the broker and waits for it to exit (SIGTERM saves persistence; SIGKILL does not). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill(signal);
    await exited;
  }

  async kill(): Promise<void> {
    await this.stop('SIGKILL');
  }

  /** Starts it again on the same port (and, with persistence, the same state). */
  async start(): Promise<void> {
    if (this.proc) return;
    await this.launch();
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private config(): string {
    const lines = [`listener ${this.port} 127.0.0.1`, 'allow_anonymous true'];
    if (this.opts.persistence) lines.push('persistence true', `persistence_location ${this.dir}/`, 'autosave_interval 1');
    else lines.push('persistence false');
    lines.push(...(this.opts.extraConfig ?? []));
    return lines.join('\n') + '\n';
  }

  private async launch(): Promise<void> {
    const conf = path.join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, this.config());
    const p = spawn(this.opts.binary ?? defaultBinary(), ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (b: Buffer) => {
      this.output = (this.output + b.toString()).slice(-64 * 1024);
    };
    p.stdout?.on('data', collect);
    p.stderr?.on('data', collect);
    let exitedEarly = false;
    p.once('exit', () => {
      exitedEarly = true;
      running.delete(p);
      if (this.proc === p) this.proc = null;
    });
    p.once('error', (e) => collect(Buffer.from(`spawn error: ${e.message}\n`)));
    this.proc = p;
    running.add(p);
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      if (exitedEarly) break;
      if (await canConnect(this.port)) return;
      await delay(25);
    }
    await this.stop('SIGKILL');
    throw new Error(`mosquitto did not listen on ${this.port}:\n${this.output}`);
  }
}

function defaultBinary(): string {
  if (process.env.MOSQUITTO) return process.env.MOSQUITTO;
  return existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
}
