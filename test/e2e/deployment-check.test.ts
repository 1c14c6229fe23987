// Issue 12: `check-config` checks what a deployment gets wrong on the machine (data folder, serial lines, the
// broker's DNS name, TLS files), and `run` makes the same checks before it writes anything: a refused start
// leaves no store and no signing key behind. Real processes on real files; the permission cases run the CLI
// as the unprivileged user nobody (root passes every permission check).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, startCli, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function workDir(): string {
  const d = tempDir('sl-deploy-check-');
  fs.chmodSync(d, 0o755); // the nobody cases must reach the files in it
  dirs.push(d);
  return d;
}

const NOBODY = 65534;
const canDropPrivileges = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

/** `sterilink ARGS` as the user nobody. */
function runAsNobody(args: string[]) {
  return spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, CLI, ...args], {
    cwd: '/',
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: '/' },
  });
}

describe('check-config on the machine', () => {
  it('the unmodified site example fails: no CA file, no serial adapters (and the broker name unknown here); --offline passes', () => {
    const example = path.join(ROOT, 'config/examples/site.example.yaml');
    const r = runCli(['check-config', example], { env: { STERILINK_MQTT_PASSWORD: 'x' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^mqtt\.tls\.ca: expected the broker's CA certificate in a readable file, found ENOENT for \/etc\/sterilink\/ca\.pem$/m);
    expect(r.stderr).toMatch(/^devices\[0\]\.serial\.path: expected the device at \/dev\/serial\/by-id\/.*, found nothing there/m);
    expect(r.stderr).toMatch(/^mqtt\.url: expected the broker host mqtt\.hospital\.local to resolve, found /m);
    const offline = runCli(['check-config', example, '--offline'], { env: { STERILINK_MQTT_PASSWORD: 'x' } });
    expect(offline.status, offline.stderr).toBe(0);
    expect(offline.stdout).toContain('this machine not checked (--offline)');
  });

  it('a data folder that cannot be created (a file where a parent folder should be)', () => {
    const dir = workDir();
    fs.writeFileSync(path.join(dir, 'not-a-folder'), '');
    const cfg = path.join(dir, 'site.yaml');
    fs.writeFileSync(cfg, 'site: s\ngateway: g\ndataDir: ./not-a-folder/data\nmqtt: { url: mqtt://127.0.0.1:1883 }\n');
    const r = runCli(['check-config', cfg]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`dataDir: expected a folder that can be created, found ${path.join(dir, 'not-a-folder')} is a file`);
    const run = runCli(['run', '--config', cfg]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^refusing to start: .*1 problem on this machine/m);
  });

  it.runIf(canDropPrivileges)('as another user: data folder not writable, serial line and CA file not readable', () => {
    const dir = workDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data, { mode: 0o755 }); // root's, as after a restore done as root
    const serial = path.join(dir, 'ttyUSB0');
    fs.writeFileSync(serial, '', { mode: 0o600 });
    const ca = path.join(dir, 'ca.pem');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n', { mode: 0o600 });
    const cfg = path.join(dir, 'site.yaml');
    fs.writeFileSync(
      cfg,
      [
        'site: s',
        'gateway: g',
        'dataDir: ./data',
        'mqtt: { url: mqtts://127.0.0.1:8883, tls: { ca: ./ca.pem } }',
        'devices:',
        `  - { id: AC-01, type: steam-sterilizer, driver: printer-line, serial: { path: ${serial} }, program: steam-134-4 }`,
      ].join('\n'),
      { mode: 0o644 },
    );
    const r = runAsNobody(['check-config', cfg]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`problems on this machine (checked as user nobody (uid ${NOBODY}))`);
    expect(r.stderr).toContain(`dataDir: expected a folder this user can write, found ${data} is not (EACCES)`);
    expect(r.stderr).toContain(
      `devices[0].serial.path: expected ${serial} readable and writable by this user, found EACCES (add the user to the dialout group)`,
    );
    expect(r.stderr).toContain(`mqtt.tls.ca: expected the broker's CA certificate readable by this user, found EACCES for ${ca}`);
    // the same config is fine for root
    expect(runCli(['check-config', cfg]).status).toBe(0);
  });
});

describe('run checks before it writes', () => {
  it('a missing CA file: refused with the path named, and no store and no key are created', () => {
    const dir = workDir();
    const cfg = path.join(dir, 'site.yaml');
    fs.writeFileSync(cfg, 'site: s\ngateway: g\ndataDir: ./data\nmqtt: { url: mqtts://127.0.0.1:8883, tls: { ca: ./missing-ca.pem } }\ndevices: []\n');
    const r = runCli(['run', '--config', cfg]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^refusing to start: .*site\.yaml: 1 problem on this machine/m);
    expect(r.stderr).toContain(`mqtt.tls.ca: expected the broker's CA certificate in a readable file, found ENOENT for ${path.join(dir, 'missing-ca.pem')}`);
    expect(fs.existsSync(path.join(dir, 'data')), 'the data folder was created').toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(['site.yaml']);
  });

  it('a serial adapter not plugged in yet: starts, warns once, and keeps retrying the line', async () => {
    const dir = workDir();
    const cfg = path.join(dir, 'site.yaml');
    const serial = path.join(dir, 'ttyUSB0');
    fs.writeFileSync(
      cfg,
      `site: s\ngateway: g\ndataDir: ./data\nmqtt: { url: mqtt://127.0.0.1:1 }\ndevices:\n  - { id: AC-01, type: steam-sterilizer, driver: printer-line, serial: { path: ${serial} }, program: steam-134-4 }\n`,
    );
    const gw = startCli(['run', '--config', cfg]);
    await gw.waitForOutput('"msg":"gateway running"', 60_000);
    expect(await gw.kill('SIGTERM')).toBe(0);
    const warned = gw
      .output()
      .split('\n')
      .filter((l) => l.includes('deployment check failed'));
    expect(warned).toHaveLength(1);
    expect(JSON.parse(warned[0] ?? '{}')).toMatchObject({ level: 40, configPath: 'devices[0].serial.path' });
    expect(fs.existsSync(path.join(dir, 'data', 'sterilink.db'))).toBe(true);
  }, 90_000);
});
