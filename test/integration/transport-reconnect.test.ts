// The reconnect policy shared by the serial and TCP transports, driven step by step: a scripted opener
// and hand-fired timers, so every attempt, delay and link report is observed, none is guessed.
import { describe, expect, it } from 'vitest';
import { type ConnectionCallbacks, type LinkConnection, ReconnectingTransport, type Timers } from '../../drivers/transport/reconnecting-transport.js';
import type { LinkState } from '../../drivers/transport/transport.js';
import { backoffDelay, DEFAULT_BACKOFF } from '../../vocabulary/backoff.js';
import { isGatewayError } from '../../vocabulary/errors.js';

class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  readonly delays: number[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    this.delays.push(ms);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Fires the one pending timer. */
  fire(): void {
    const [entry] = [...this.pending.entries()];
    expect(entry, 'a reconnect timer is pending').toBeDefined();
    if (entry === undefined) return;
    this.pending.delete(entry[0]);
    entry[1].fn();
  }
}

interface Attempt {
  callbacks: ConnectionCallbacks;
  signal: AbortSignal;
  succeed(): FakeConnection;
  fail(message: string): void;
}
interface FakeConnection extends LinkConnection {
  written: Buffer[];
  closed: boolean;
}

/** An opener whose attempts the test settles one by one. */
class ScriptedOpener {
  readonly attempts: Attempt[] = [];
  private waiting: ((a: Attempt) => void)[] = [];
  readonly open = (callbacks: ConnectionCallbacks, signal: AbortSignal): Promise<LinkConnection> =>
    new Promise<LinkConnection>((resolve, reject) => {
      const attempt: Attempt = {
        callbacks,
        signal,
        succeed: () => {
          const c: FakeConnection = {
            written: [],
            closed: false,
            write: async (d) => void c.written.push(d),
            close: async () => void (c.closed = true),
          };
          resolve(c);
          return c;
        },
        fail: (message) => reject(new Error(message)),
      };
      this.attempts.push(attempt);
      this.waiting.shift()?.(attempt);
    });
  /** The n-th attempt (1-based), once it has been made. */
  attempt(n: number): Promise<Attempt> {
    const made = this.attempts[n - 1];
    if (made !== undefined) return Promise.resolve(made);
    return new Promise((resolve) => this.waiting.push((a) => (this.attempts.length === n ? resolve(a) : undefined)));
  }
}

function setup() {
  const timers = new ManualTimers();
  const opener = new ScriptedOpener();
  const transport = new ReconnectingTransport('fake', opener.open, { timers, random: () => 0 });
  const links: LinkState[] = [];
  const data: string[] = [];
  const started = transport.start({ onData: (c) => data.push(c.toString()), onLink: (s) => links.push(s) });
  return { timers, opener, transport, links, data, started };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ReconnectingTransport', () => {
  it('reports a failing link once, backs off exponentially, and reports the recovery', async () => {
    const { timers, opener, links, started } = setup();
    (await opener.attempt(1)).fail('ENOENT: no such file');
    await started;
    for (let n = 2; n <= 4; n++) {
      timers.fire();
      (await opener.attempt(n)).fail(`still failing ${n}`);
      await tick();
    }
    expect(links).toEqual([{ connected: false, error: 'ENOENT: no such file' }]);
    expect(timers.delays).toEqual([0, 1, 2, 3].map((a) => backoffDelay(DEFAULT_BACKOFF, a, () => 0)));
    expect(timers.delays).toEqual([250, 500, 1000, 2000]);
    timers.fire();
    (await opener.attempt(5)).succeed();
    await tick();
    expect(links).toEqual([{ connected: false, error: 'ENOENT: no such file' }, { connected: true }]);
    expect(timers.pending.size).toBe(0);
  });

  it('passes data through, and after a lost connection starts the backoff afresh', async () => {
    const { timers, opener, transport, links, data, started } = setup();
    const first = await opener.attempt(1);
    const conn = first.succeed();
    await started;
    first.callbacks.onData(Buffer.from('hello'));
    await transport.write('ping');
    expect(conn.written.map(String)).toEqual(['ping']);
    expect(data).toEqual(['hello']);
    first.callbacks.onClosed(new Error('EIO'));
    expect(links).toEqual([{ connected: true }, { connected: false, error: 'EIO' }]);
    expect(timers.delays).toEqual([250]);
    first.callbacks.onData(Buffer.from('late bytes from the dead connection'));
    expect(data).toEqual(['hello']);
    await expect(transport.write('x')).rejects.toSatisfy((e: unknown) => isGatewayError(e, 'device.transport.not-connected'));
    timers.fire();
    (await opener.attempt(2)).succeed();
    await tick();
    expect(links.at(-1)).toEqual({ connected: true });
  });

  it('stop() cancels the pending reconnect, is idempotent, and silences the handlers', async () => {
    const { timers, opener, transport, links, started } = setup();
    (await opener.attempt(1)).fail('refused');
    await started;
    expect(transport.reconnectPending).toBe(true);
    const a = transport.stop();
    expect(transport.stop()).toBe(a);
    await a;
    expect(timers.pending.size).toBe(0);
    expect(transport.reconnectPending).toBe(false);
    expect(opener.attempts).toHaveLength(1);
    expect(links).toHaveLength(1);
  });

  it('stop() during an attempt aborts it and closes a connection that opens anyway', async () => {
    const { opener, transport, links } = setup();
    const attempt = await opener.attempt(1);
    const stopped = transport.stop();
    expect(attempt.signal.aborted).toBe(true);
    const conn = attempt.succeed();
    await stopped;
    expect(conn.closed).toBe(true);
    expect(links).toEqual([]);
    expect(transport.connected).toBe(false);
  });

  it('stop() closes the open connection and ignores its close', async () => {
    const { opener, transport, links, started } = setup();
    const attempt = await opener.attempt(1);
    const conn = attempt.succeed();
    await started;
    await transport.stop();
    attempt.callbacks.onClosed(new Error('closed'));
    expect(conn.closed).toBe(true);
    expect(links).toEqual([{ connected: true }]);
  });

  it('refuses a second start()', async () => {
    const { opener, transport, started } = setup();
    (await opener.attempt(1)).succeed();
    await started;
    await expect(transport.start({ onData: () => undefined, onLink: () => undefined })).rejects.toSatisfy((e: unknown) =>
      isGatewayError(e, 'device.transport.started'),
    );
    await transport.stop();
  });
});
