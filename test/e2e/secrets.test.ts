// No secret ever appears in logs, records or MQTT payloads. A private Mosquitto requires a password
// (password_file made with mosquitto_passwd here); the gateway runs at debug level with the password from
// STERILINK_MQTT_PASSWORD, records a cycle with an alarm, answers replays, and stops. A unique marker (the
// password) is then searched for in everything: its output, every file of its data folder (SQLite + WAL, keys),
// every payload on the broker. A wrong password (from mqtt.passwordFile, and in the URL) is refused with a
// clear log line that does not contain it either.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proc, ptyPair, runCli, startCli, tempDir, writeConfig, writeGatewayConfig } from '../helpers/cli.js';
import { serialPrinterLine } from '../helpers/gateway-rig.js';
import { Mosquitto, MqttCollector } from '../helpers/mosquitto.js';
import { assertPayloadValid } from '../helpers/payload-schemas.js';

const ROOT_TOPIC = 'sterilink/v1/sec/gw1';
const PASSWORD = `S3cret-${randomUUID()}`;
const SUB_PASSWORD = `sub-${randomUUID()}`;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** The marker in any encoding a leak could take: plain, base64 (an auth header), hex. */
function leaks(haystack: Buffer | string, secret: string): boolean {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')].some((s) => text.includes(s));
}

describe('secrets stay secret', () => {
  let broker: Mosquitto;
  let authDir: string;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    // Mosquitto started as root drops to its own user: the password file must be world-readable in a
    // traversable folder (it holds only salted hashes).
    authDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-auth-'));
    fs.chmodSync(authDir, 0o755);
    const pwFile = path.join(authDir, 'passwd');
    execFileSync('mosquitto_passwd', ['-b', '-c', pwFile, 'gw', PASSWORD]);
    execFileSync('mosquitto_passwd', ['-b', pwFile, 'sub', SUB_PASSWORD]);
    fs.chmodSync(pwFile, 0o644);
    broker = await Mosquitto.start({ extraConfig: ['allow_anonymous false', `password_file ${pwFile}`] });
    cleanup.push(() => broker.dispose());
  }, 30_000);

  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    fs.rmSync(authDir, { recursive: true, force: true });
  });

  it('the broker really requires the password', async () => {
    const client = mqtt.connect(broker.url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 5 });
    const outcome = await new Promise<string>((resolve) => {
      client.once('connect', () => resolve('connected'));
      client.once('error', (e) => resolve(e.message));
    });
    await client.endAsync(true);
    expect(outcome).toMatch(/Not authorized|Bad User Name or Password/i);
  }, 30_000);

  it('an accepted password appears nowhere: output, data folder, MQTT payloads', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const sub = await MqttCollector.connect(broker.url.replace('mqtt://', `mqtt://sub:${SUB_PASSWORD}@`), `${ROOT_TOPIC}/#`);
    cleanup.push(() => sub.close());
    const pty = await ptyPair(dir, 'sec');
    cleanup.push(() => pty.proc.kill('SIGKILL'));
    const cfg = writeGatewayConfig(dir, { site: 'sec', mqtt: { url: broker.url, username: 'gw' }, devices: [serialPrinterLine(pty.gw)] });
    const env = { STERILINK_MQTT_PASSWORD: PASSWORD };
    const gw = startCli(['run', '--config', cfg, '--log-level', 'debug'], env);
    cleanup.push(() => gw.kill('SIGKILL'));
    await gw.waitForOutput('mqtt connected');

    const sim = startCli(['simulate', 'autoclave', '--serial', pty.dev, '--program', 'steam-134-4', '--speed', '300', '--cycles', '1', '--fault', 'abort']);
    cleanup.push(() => sim.kill('SIGKILL'));
    expect(await sim.exited).toBe(0);
    await sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/records/cycle`, 30_000);
    sub.client.publish(`${ROOT_TOPIC}/cmd/replay`, JSON.stringify({ fromSeq: 1, transaction: 'sec-1' }), { qos: 1 });
    sub.client.publish(`${ROOT_TOPIC}/cmd/replay`, JSON.stringify({ fromSeq: -1, transaction: 'sec-2' }), { qos: 1 });
    await sub.waitFor((m) => m.topic.endsWith('/reply/replay') && (m.json as { transaction?: string }).transaction === 'sec-1', 20_000);
    await sub.waitFor((m) => m.topic.endsWith('/reply/replay') && (m.json as { transaction?: string }).transaction === 'sec-2', 20_000);
    expect(await gw.kill('SIGTERM')).toBe(0);
    await sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/status` && (m.json as { online?: boolean }).online === false);

    // the other CLI verbs that read the same config and data
    const checked = runCli(['check-config', cfg], { env });
    const exported = runCli(['db', 'export', '--data-dir', dataDir]);
    const verified = runCli(['db', 'verify', '--data-dir', dataDir]);
    expect(exported.status).toBe(0);
    expect(exported.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2);

    const output = gw.output();
    expect(output).toMatch(/"msg":"mqtt connected"/);
    expect(output.split('\n').length).toBeGreaterThan(20); // debug level: plenty was logged
    expect(leaks(output, PASSWORD), 'password in the gateway output').toBe(false);
    for (const r of [checked, exported, verified]) expect(leaks(r.stdout + r.stderr, PASSWORD), 'password in a CLI verb output').toBe(false);
    for (const f of filesUnder(dataDir)) expect(leaks(fs.readFileSync(f), PASSWORD), `password in ${path.relative(dir, f)}`).toBe(false);
    expect(sub.messages.length).toBeGreaterThan(50);
    for (const m of sub.messages) {
      expect(leaks(m.payload, PASSWORD), `password in a payload on ${m.topic}`).toBe(false);
      if (!(m.topic.endsWith('/cmd/replay') && (m.json as { fromSeq?: number }).fromSeq === -1)) assertPayloadValid(m.topic, m.json);
    }
  }, 120_000);

  /** Starts a gateway whose broker login will be refused; returns it once the refusal was logged twice. */
  async function refusedRun(dir: string, gateway: string, mqttSettings: object): Promise<Proc> {
    const cfg = writeConfig(dir, {
      site: 'sec',
      gateway,
      dataDir: path.join(dir, 'data'),
      mqtt: { url: broker.url, ...mqttSettings },
      devices: [{ id: 'AC-01', type: 'steam-sterilizer', driver: 'printer-line', tcp: { host: '127.0.0.1', port: 9 }, program: 'steam-134-4' }],
    });
    const gw = startCli(['run', '--config', cfg, '--log-level', 'debug']);
    cleanup.push(() => gw.kill('SIGKILL'));
    await gw.waitForOutput('mqtt connect failed again', 30_000); // refused at least twice, retried with backoff
    return gw;
  }

  function expectClearRefusal(gw: Proc): void {
    const lines = gw
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string });
    const refused = lines.filter((l) => l.msg === 'mqtt connect failed; retrying with backoff');
    expect(refused, `no refusal line in\n${gw.output()}`).toHaveLength(1); // logged once per state change, not per attempt
    expect(refused[0]?.level).toBe(40); // warn
    expect(refused[0]?.reason).toMatch(/refused.*(Not authorized|Bad User Name or Password)/i);
  }

  it('a refused password (from mqtt.passwordFile) is logged clearly, and never shown', async () => {
    const dir = tempDir();
    const wrong = `Wr0ng-${randomUUID()}`;
    const pwFile = path.join(dir, 'mqtt-password');
    fs.writeFileSync(pwFile, `${wrong}\n`, { mode: 0o600 });
    const gw = await refusedRun(dir, 'gw2', { username: 'gw', passwordFile: pwFile });
    expectClearRefusal(gw);
    expect(await gw.kill('SIGTERM')).toBe(0);
    expect(leaks(gw.output(), wrong), 'password in the output').toBe(false);
    const checked = runCli(['check-config', path.join(dir, 'gateway.yaml')]);
    expect(checked.status).toBe(0);
    expect(leaks(checked.stdout + checked.stderr, wrong)).toBe(false);
  }, 60_000);

  let urlRunOutput = '';
  let urlPassword = '';
  it('credentials written into mqtt.url: refused and logged clearly too', async () => {
    const dir = tempDir();
    urlPassword = `Wr0ng-${randomUUID()}`;
    const gw = await refusedRun(dir, 'gw3', { url: broker.url.replace('mqtt://', `mqtt://gw:${urlPassword}@`) });
    expectClearRefusal(gw);
    expect(await gw.kill('SIGTERM')).toBe(0);
    urlRunOutput = gw.output();
    expect(urlRunOutput).toMatch(/"msg":"mqtt connecting"/);
  }, 60_000);

  it('credentials written into mqtt.url never appear in the output', () => {
    expect(urlRunOutput).not.toBe('');
    expect(leaks(urlRunOutput, urlPassword), 'password in the output').toBe(false);
  });
});
