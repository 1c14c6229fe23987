// The gateway opens its own socket to the broker for mqtt:// URLs (gateway/publish/broker-socket.ts);
// credentials written in the URL must still reach the broker, as they did through mqtt.connect().
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../gateway/publish/memory-outbox.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { fakePublisher } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const STATUS = { version: '0.1.0-test', startedAt: '2030-01-01T00:00:00.000Z', keyId: 'abcdef0123456789', publicKey: 'MCowBQYDK2VwAyEA' };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function passwordBroker(): Promise<Mosquitto> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-broker-socket-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Mosquitto started as root drops to its own user: the file (salted hashes only) must be readable by it
  fs.chmodSync(dir, 0o755);
  const pwFile = path.join(dir, 'passwords');
  execFileSync('mosquitto_passwd', ['-b', '-c', pwFile, 'gw', 'right:pw']);
  fs.chmodSync(pwFile, 0o644);
  const b = await Mosquitto.start({ extraConfig: ['allow_anonymous false', `password_file ${pwFile}`] });
  cleanups.push(() => b.dispose());
  return b;
}

function publisherFor(url: string, logger?: pino.Logger) {
  const p = fakePublisher({ site: 's', gateway: 'g', outbox: new MemoryOutbox(), status: () => STATUS, url, ...(logger ? { logger } : {}) });
  cleanups.push(() => p.stop());
  return p;
}

describe('credentials in the broker URL (real Mosquitto with a password file)', () => {
  it('logs in with the user and password written in the URL', async () => {
    const b = await passwordBroker();
    const pub = publisherFor(`mqtt://gw:${encodeURIComponent('right:pw')}@127.0.0.1:${b.port}`);
    await pub.start();
    await until(() => pub.online, 10_000, 'online with URL credentials');
  });

  it('is refused with a wrong password in the URL, and says why', async () => {
    const b = await passwordBroker();
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    const pub = publisherFor(`mqtt://gw:wrong@127.0.0.1:${b.port}`, logger);
    let retries = 0;
    pub.on('reconnecting', () => retries++);
    await pub.start();
    await until(() => retries >= 2, 10_000, '2 retries');
    expect(pub.online).toBe(false);
    const failed = lines.map((l) => JSON.parse(l) as { msg: string; reason?: string }).find((l) => l.msg.startsWith('mqtt connect failed'));
    expect(failed?.reason).toMatch(/not authori[sz]ed|bad user name or password/i);
    expect(lines.join('')).not.toContain('wrong@');
  });
});
