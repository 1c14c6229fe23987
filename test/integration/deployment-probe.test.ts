// The machine checks of check-config and run on real files and the real resolver; the DNS timeout with a
// resolver that never answers.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeTarget } from '../../cli/preflight/deployment-probe.js';
import { tempDir } from '../helpers/process.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const work = () => {
  const d = tempDir('sl-probe-');
  dirs.push(d);
  return d;
};

describe('probeTarget', () => {
  it('data folder: an existing one, a creatable one, one under a file, a file instead of a folder', async () => {
    const dir = work();
    const probe = (file: string) => probeTarget({ kind: 'data-dir', path: 'dataDir', file, atRun: 'refuse' });
    expect(await probe(dir)).toBeNull();
    expect(await probe(path.join(dir, 'a/b/c'))).toBeNull();
    expect(fs.existsSync(path.join(dir, 'a')), 'the probe created nothing').toBe(false);
    fs.writeFileSync(path.join(dir, 'f'), '');
    expect(await probe(path.join(dir, 'f/data'))).toMatch(/^expected a folder that can be created, found .*\/f is a file$/);
    expect(await probe(path.join(dir, 'f'))).toMatch(/^expected a folder, found .*\/f is a file$/);
  });

  it('device file and readable file: present, missing, a folder', async () => {
    const dir = work();
    const tty = path.join(dir, 'tty');
    fs.writeFileSync(tty, '');
    const device = (file: string) => probeTarget({ kind: 'device-file', path: 'devices[0].serial.path', file, write: true, atRun: 'warn' });
    expect(await device(tty)).toBeNull();
    expect(await device(path.join(dir, 'ttyUSB9'))).toMatch(/found nothing there/);
    const readable = (file: string) => probeTarget({ kind: 'readable-file', path: 'mqtt.tls.ca', file, what: 'the CA', atRun: 'refuse' });
    expect(await readable(tty)).toBeNull();
    expect(await readable(dir)).toMatch(/^expected the CA in a file, found .* is not a file$/);
    expect(await readable(path.join(dir, 'none.pem'))).toMatch(/^expected the CA in a readable file, found ENOENT/);
  });

  it('broker host: localhost resolves; no answer in time is a problem, not a hang', async () => {
    const host = (h: string, opts = {}) => probeTarget({ kind: 'broker-host', path: 'mqtt.url', host: h, atRun: 'warn' }, opts);
    expect(await host('localhost')).toBeNull();
    const silent = await host('broker.hospital.example', { dnsTimeoutMs: 50, lookup: () => new Promise(() => {}) });
    expect(silent).toBe('expected the broker host broker.hospital.example to resolve, found no DNS answer within 0.05 s');
    const refused = await host('broker.hospital.example', { lookup: () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' })) });
    expect(refused).toMatch(/found ENOTFOUND \(check the name/);
  });
});
