// `sterilink watch` as an engineer runs it, against a private Mosquitto fed by this test (no gateway
// needed): the --once snapshot for scripts, the line-per-update mode for pipes, the exit code for a
// broker that is not there, and the live screen in a real terminal (tmux): updated in place, and the
// cursor and screen given back on Ctrl-C.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, startCli, tempDir } from '../helpers/cli.js';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { until } from '../helpers/until.js';

const SITE = 'sterilink/v1/acc/gw1';
const json = (x: unknown) => JSON.stringify(x);

let broker: Mosquitto;
let pub: mqtt.MqttClient;

async function publish(topic: string, payload: unknown, retain = false): Promise<void> {
  await pub.publishAsync(topic, json(payload), { qos: 1, retain });
}

const telemetry = (temp_c: number, ts = new Date()) => ({
  ts: ts.toISOString(),
  temp_c,
  pressure_kpa: 313.2,
  tsat_c: 134.3,
  phase: 'sterilizing',
  cycleNo: 1042,
});

const cycleRecord = {
  schema: 'sterilink/record/v1',
  id: '3c1f0e52-0d7e-4c52-9d7f-2f0c7a1e0b11',
  seq: 7,
  type: 'cycle',
  ts: '2025-03-01T08:40:00.000Z',
  site: 'acc',
  gateway: 'gw1',
  device: 'AC-01',
  body: {
    program: 'steam-134-4',
    cycleNo: 1041,
    verdict: 'fail',
    endedAt: '2025-03-01T08:40:00.000Z',
    hold: { start: 10, end: 200, seconds: 190 },
    criteria: [
      { id: 'hold_time', pass: false, measured: 190, limit: 240, unit: 's', detail: '' },
      { id: 'temp_band', pass: true, measured: 0, limit: 0, unit: 'K', detail: '' },
    ],
  },
  prevHash: '00',
  hash: '11',
  sig: '22',
  keyId: 'k-2f9a',
};

/** Publishes `payloads()` every 100 ms until `until` settles: for subscribers that join at an unknown moment. */
async function publishDuring<T>(until: Promise<T>, payloads: () => [string, unknown][]): Promise<T> {
  let done = false;
  const result = until.finally(() => {
    done = true;
  });
  while (!done) {
    for (const [t, p] of payloads()) await publish(t, p);
    await Promise.race([result, new Promise((r) => setTimeout(r, 100))]);
  }
  return result;
}

beforeAll(async () => {
  broker = await Mosquitto.start();
  pub = await mqtt.connectAsync(broker.url, { clientId: `watch-test-${process.pid}`, reconnectPeriod: 0 });
  await publish(
    `${SITE}/status`,
    { online: true, version: '0.1.0', startedAt: '2025-03-01T08:00:00.000Z', keyId: 'k-2f9a', publicKey: 'MCowBQYDK2VwAyEA' },
    true,
  );
  await publish(
    `${SITE}/device/AC-01/state`,
    { connected: true, phase: 'sterilizing', program: 'steam-134-4', cycleNo: 1042, since: '2025-03-01T09:00:00.000Z' },
    true,
  );
  await publish(`${SITE}/device/WD-01/state`, { connected: false, phase: 'idle', program: null, cycleNo: null, since: '2025-03-01T09:00:00.000Z' }, true);
  await publish(
    'sterilink/v1/other-site/gw9/device/XX-99/state',
    { connected: true, phase: 'idle', program: null, cycleNo: null, since: '2025-03-01T09:00:00.000Z' },
    true,
  );
});

afterAll(async () => {
  await pub?.endAsync();
  await broker?.dispose();
});

interface Snapshot {
  gateways: { site: string; gateway: string; online: boolean; version: string }[];
  devices: {
    site: string;
    gateway: string;
    id: string;
    connected: boolean;
    phase: string;
    program: string | null;
    cycleNo: number | null;
    temp_c: number | null;
    pressure_kpa: number | null;
    tsat_diff_k: number | null;
    hold_s: number | null;
    hold_required_s: number | null;
    lastVerdicts: { cycleNo: number; verdict: string; failed: string[] }[];
  }[];
}

describe('sterilink watch --once', () => {
  it('prints the retained state of one site as JSON and exits 0', () => {
    const t0 = Date.now();
    const r = runCli(['watch', '--once', '--json', '--url', broker.url, '--site', 'acc'], { timeoutMs: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(8000);
    const snap = JSON.parse(r.stdout) as Snapshot;
    expect(snap.gateways).toEqual([expect.objectContaining({ site: 'acc', gateway: 'gw1', online: true, version: '0.1.0' })]);
    expect(snap.devices.map((d) => d.id)).toEqual(['AC-01', 'WD-01']);
    expect(snap.devices[0]).toMatchObject({
      site: 'acc',
      gateway: 'gw1',
      connected: true,
      phase: 'sterilizing',
      program: 'steam-134-4',
      cycleNo: 1042,
      hold_required_s: 240,
    });
    expect(snap.devices[1]).toMatchObject({ connected: false, phase: 'idle', program: null });
  });

  it('includes telemetry and cycle records that arrive while it collects', async () => {
    const proc = startCli(['watch', '--once', '--json', '--url', broker.url]);
    const code = await publishDuring(proc.exited, () => [
      [`${SITE}/device/AC-01/telemetry`, telemetry(134.6)],
      [`${SITE}/records/cycle`, cycleRecord],
    ]);
    expect(code, proc.output()).toBe(0);
    const snap = JSON.parse(proc.output()) as Snapshot;
    expect(snap.devices.map((d) => `${d.site}/${d.id}`)).toEqual(['acc/AC-01', 'acc/WD-01', 'other-site/XX-99']);
    expect(snap.devices[0]).toMatchObject({ temp_c: 134.6, pressure_kpa: 313.2, tsat_diff_k: 0.3 });
    expect(snap.devices[0]!.lastVerdicts).toEqual([expect.objectContaining({ cycleNo: 1041, verdict: 'fail', failed: ['hold_time'] })]);
  });

  it('prints the text view when not asked for JSON', () => {
    const r = runCli(['watch', '--once', '--url', broker.url, '--site', 'acc'], { timeoutMs: 20_000, env: { LANG: 'C.UTF-8' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sterilink watch {2}mqtt:\/\/127\.0\.0\.1:\d+ {2}site acc\n/);
    expect(r.stdout).toMatch(/\nAC-01 +up +sterilizing +steam-134-4 +1042 .* -\/240 /);
    expect(r.stdout).not.toContain('\x1b');
    for (const line of r.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('exits 2 with a clear message when the broker cannot be reached', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = runCli(['watch', '--once', '--json', '--url', `mqtt://127.0.0.1:${port}`], { timeoutMs: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`sterilink watch: cannot reach the MQTT broker at mqtt://127.0.0.1:${port}: ECONNREFUSED`);
    expect(Date.now() - t0).toBeLessThan(8000);
    const bad = runCli(['watch', '--url', 'http://example.org']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--url: expected mqtt://HOST:PORT');
  });
});

describe('sterilink watch into a pipe', () => {
  it('prints a plain line per update and stops cleanly on SIGTERM', async () => {
    const proc = startCli(['watch', '--url', broker.url, '--site', 'acc']);
    try {
      await proc.waitForOutput(/acc\/gw1\/AC-01 state connected sterilizing steam-134-4 cycle 1042/);
      await publishDuring(proc.waitForOutput(/acc\/gw1\/AC-01 sterilizing cycle 1042 134\.7 C 313\.2 kPa T-Tsat \+0\.4 K hold \d+\/240 s/), () => [
        [`${SITE}/device/AC-01/telemetry`, telemetry(134.7)],
      ]);
    } finally {
      expect(await proc.kill('SIGTERM')).toBe(0);
    }
    expect(proc.output()).not.toContain('\x1b');
    expect(proc.output()).not.toContain('XX-99');
  });

  it('says when the broker goes away and carries on when it is back', async () => {
    const own = await Mosquitto.start();
    const proc = startCli(['watch', '--url', own.url]);
    try {
      await proc.waitForOutput(/watching mqtt:\/\/127\.0\.0\.1:\d+ \(Ctrl-C quits\)/);
      // The subscription is in place once the broker has our client: give it a retained message to prove it.
      const c = await mqtt.connectAsync(own.url, { reconnectPeriod: 0 });
      await c.publishAsync(`${SITE}/status`, json({ online: true, version: '0.1.0' }), { qos: 1, retain: true });
      await c.endAsync();
      await proc.waitForOutput('acc/gw1 status online v0.1.0');
      await own.restart();
      await proc.waitForOutput(/broker connection lost \(.+\), reconnecting/);
      await proc.waitForOutput(/broker reconnected/);
    } finally {
      expect(await proc.kill('SIGTERM')).toBe(0);
      await own.dispose();
    }
  });
});

describe('sterilink watch on a terminal (tmux)', () => {
  // A private tmux server on a socket in a temp folder: never the developer's own tmux.
  const dir = tempDir('sterilink-watch-tmux-');
  const socket = path.join(dir, 'tmux.sock');
  const env = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TMUX: '' };
  const tmux = (...args: string[]) => execFileSync('tmux', ['-u', '-S', socket, ...args], { encoding: 'utf8', env });
  const screen = () => tmux('capture-pane', '-p', '-t', 'w');
  const terminal = () => tmux('display-message', '-p', '-t', 'w', '#{cursor_flag} #{alternate_on}').trim();
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

  beforeAll(() => {
    if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is not installed (apt-get install tmux): the live view is tested in it');
  });
  afterAll(() => {
    spawnSync('tmux', ['-S', socket, 'kill-server'], { env });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('redraws in place as telemetry arrives, and gives the terminal back on Ctrl-C', async () => {
    // The shell traps INT so that, after Ctrl-C reaches watch, it still reports the exit code; the
    // pane then stays open (sleep) so the cursor and screen state can be read from tmux.
    const cmd = `trap true INT; ${quote(process.execPath)} ${quote(CLI)} watch --url ${broker.url} --site acc; echo watch-exit=$?; sleep 600`;
    tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'w', '-x', '100', '-y', '30', '-c', ROOT, cmd);
    await until(() => /\nAC-01 +up +sterilizing +steam-134-4 +1042 /.test(screen()), 20_000, 'the retained state on screen', 100);
    expect(terminal()).toBe('0 1'); // cursor hidden, alternate screen

    // Telemetry into the running cycle: the row and the chart follow, on the same screen.
    const t0 = Date.now();
    let i = 0;
    await publishDuring(
      until(
        () => /\nAC-01 +up +sterilizing +steam-134-4 +1042 +134\.8 +313\.2 +\+0\.5 +\d+\/240 /.test(screen()),
        20_000,
        'the new temperature on screen',
        100,
      ),
      () => [[`${SITE}/device/AC-01/telemetry`, telemetry(i++ < 3 ? 134.4 : 134.8, new Date(t0 + i * 1000))]],
    );
    const shown = screen();
    expect(shown.split('\n')[0]).toMatch(/^sterilink watch {2}mqtt:\/\/127\.0\.0\.1:\d+ {2}site acc +updated \d\d:\d\d:\d\d$/);
    expect(shown).toMatch(/AC-01 · cycle 1042 · steam-134-4 · drain °C/);
    expect(shown).toMatch(/┤[\u2800-\u28ff]+/);
    expect(shown.match(/^DEVICE/gm)).toHaveLength(1); // redrawn in place, not scrolled
    console.log(`watch on a 100×30 tmux pane:\n${shown.trimEnd()}`);

    tmux('send-keys', '-t', 'w', 'C-c');
    await until(() => screen().includes('watch-exit=0'), 10_000, 'watch to exit 0 after Ctrl-C', 100);
    expect(terminal()).toBe('1 0'); // cursor shown, main screen back
    expect(screen()).not.toContain('DEVICE');
  });
});
