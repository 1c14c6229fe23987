// A stand-in for systemd's notify socket: a unix datagram socket (which Node cannot open, so a few lines
// of python3 hold it) that records every datagram with its arrival time. It takes no ancillary data, so
// the file descriptor of a BARRIER=1 is closed on arrival, which is how systemd answers a barrier too.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { firstMessage, type Subscribe } from './first-message.js';

const RECEIVER = `
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"listening": sys.argv[1]}), flush=True)
while True:
    data = s.recv(65536)
    print(json.dumps({"at": time.time() * 1000, "msg": data.decode("utf-8", "replace")}), flush=True)
`;

export interface Notification {
  /** Wall-clock ms of arrival. */
  at: number;
  /** The datagram's KEY=VALUE lines. */
  fields: Record<string, string>;
}

export class NotifySocket {
  readonly messages: Notification[] = [];
  private readonly events = new EventEmitter<{ message: [Notification] }>();

  private constructor(
    readonly path: string,
    private readonly close_: () => Promise<void>,
  ) {}

  /** Binds `dir`/notify and resolves once it listens. */
  static async open(dir: string): Promise<NotifySocket> {
    const file = path.join(dir, 'notify');
    const child = spawn('python3', ['-u', '-c', RECEIVER, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const sock = new NotifySocket(file, async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    let buf = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`notify receiver exited ${code}: ${err}`)));
      child.stdout.on('data', (b: Buffer) => {
        buf += b.toString();
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = JSON.parse(buf.slice(0, i)) as { listening?: string; at?: number; msg?: string };
          buf = buf.slice(i + 1);
          if (line.listening) resolve();
          else sock.push(line.at ?? 0, line.msg ?? '');
        }
      });
    });
    return sock;
  }

  /** Notifications carrying KEY (=VALUE when given), in arrival order. */
  with(key: string, value?: string): Notification[] {
    return this.messages.filter((m) => key in m.fields && (value === undefined || m.fields[key] === value));
  }

  /** Resolves with the first notification (past or future) that matches; rejects after timeoutMs. */
  async waitFor(match: (n: Notification) => boolean, timeoutMs = 15_000, what = 'notification'): Promise<Notification> {
    const got = () => JSON.stringify(this.messages.map((m) => m.fields));
    const subscribe: Subscribe<Notification> = (on) => (this.events.on('message', on), () => this.events.off('message', on));
    return firstMessage(this.messages, subscribe, match, timeoutMs, () => `no ${what} within ${timeoutMs} ms; got ${got()}`);
  }

  close(): Promise<void> {
    return this.close_();
  }

  private push(at: number, msg: string): void {
    const fields: Record<string, string> = {};
    for (const line of msg.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
    }
    const n = { at, fields };
    this.messages.push(n);
    this.events.emit('message', n);
  }
}
