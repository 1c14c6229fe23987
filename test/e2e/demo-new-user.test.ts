// `npm start` as a new user meets it: it says which broker it uses, tells the workflow in human lines (no JSON
// log), and on Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops with exit 0, one line per
// device, and no retained topics left on the broker.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';
import { get } from '../helpers/http-client.js';
import { MqttCollector } from '../helpers/mosquitto.js';
import { parseExposition, sampleValue } from '../helpers/prom-text.js';
import { until } from '../helpers/until.js';

const GATEWAY = `demo-user-${process.pid}`;
const ROOT_TOPIC = `sterilink/v1/demo-hospital/${GATEWAY}`;
const DEVICES = ['AC-01', 'AC-02', 'WD-01', 'AC-03', 'WD-02', 'SC-01', 'BI-01'];

describe('npm start, as a new user runs it', () => {
  const dataDir = tempDir('sterilink-demo-user-');
  const child = spawn('npm', ['start', '--', '--speed', '120', '--data-dir', path.join(dataDir, 'data'), '--gateway', GATEWAY], {
    cwd: ROOT,
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '' },
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  afterAll(() => {
    if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
  });

  it('says which broker it uses, tells the workflow in lines, and leaves nothing retained after Ctrl-C, exit 0', async () => {
    await until(() => /A 134 °C cycle takes/.test(out), 60_000, 'the demo header');
    expect(out).toMatch(/MQTT: (a broker already listens on 127\.0\.0\.1:1883: using it|embedded broker \(aedes\) on mqtt:\/\/127\.0\.0\.1:1883)/);
    expect(out).toContain(`mosquitto_sub -v -t '${ROOT_TOPIC}/records/#'`);
    expect(out).toMatch(/Web page: http:\/\/127\.0\.0\.1:\d+\//);
    // the metrics URL next to it, on the same listener, and it answers in the Prometheus text format
    const page = /Web page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)![1]!;
    const metricsUrl = /^Metrics: (\S+)/m.exec(out)?.[1];
    expect(metricsUrl).toBe(`${page}metrics`);
    expect(out).toContain(`health: ${page}healthz, ${page}readyz`);
    const scrape = await get(metricsUrl!);
    expect(scrape.status).toBe(200);
    const exposition = parseExposition(scrape.body);
    expect(sampleValue(exposition, 'sterilink_build_info', { gateway: GATEWAY })).toBe(1);
    expect(exposition.get('sterilink_device_link_up')?.samples.map((s) => s.labels.device)).toEqual(expect.arrayContaining(DEVICES));
    await until(() => /load released/.test(out) && /QUARANTINED/.test(out), 90_000, 'a released and a quarantined load, told in words');

    const before = await MqttCollector.connect('mqtt://127.0.0.1:1883', `${ROOT_TOPIC}/#`);
    await before.waitFor((m) => m.topic === `${ROOT_TOPIC}/status` && m.retain, 10_000);
    await before.close();

    process.kill(-(child.pid as number), 'SIGINT');
    expect(await exited).toBe(0);
    const tail = out.slice(out.indexOf('demo stopped'));
    expect(tail).toMatch(/^demo stopped \(SIGINT\); retained topics cleared/);
    for (const id of DEVICES) expect(tail).toMatch(new RegExp(`^  ${id} `, 'm'));
    expect(out).not.toContain('{"level"'); // no JSON log lines in the story
    expect(out).not.toMatch(/link down/);

    // Nothing retained: a probe published after subscribing arrives after any retained message would have.
    const after = await MqttCollector.connect('mqtt://127.0.0.1:1883', `${ROOT_TOPIC}/#`);
    const probe = `${ROOT_TOPIC}/probe-${process.pid}`;
    await after.client.publishAsync(probe, 'x', { qos: 1 });
    await after.waitFor((m) => m.topic === probe, 10_000);
    expect(after.messages.filter((m) => m.retain).map((m) => m.topic)).toEqual([]);
    await after.close();
  });
});
