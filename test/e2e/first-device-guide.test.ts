// docs/first-device.md, the dry run as written: a socat pair, the trial config, check-config, and the
// gateway started and stopped with Ctrl-C, in a temp HOME with the built `sterilink` on the PATH. The
// guide's `mqtt.url: embedded` would use this machine's own broker on 1883 if one runs: the test points
// the gateway at a private Mosquitto with STERILINK_MQTT_URL instead, and reads the gateway's status there.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cleanups, tempBinDir, tempBroker } from '../helpers/cleanups.js';
import { guideBlocks, guideScript } from '../helpers/doc-blocks.js';
import { MqttCollector } from '../helpers/mosquitto.js';
import { ROOT, startProcess } from '../helpers/process.js';

const md = fs.readFileSync(path.join(ROOT, 'docs/first-device.md'), 'utf8');

describe('docs/first-device.md', () => {
  const cleanup = new Cleanups();
  afterAll(() => cleanup.run());

  it('the dry run with socat and a trial config works as written', async () => {
    const { dir: work, bin } = await tempBinDir(cleanup, 'sterilink-first-device-');
    const broker = await tempBroker(cleanup);
    const watch = await MqttCollector.connect(broker.url, 'sterilink/v1/trial/#');
    cleanup.add(() => watch.close());

    const blocks = guideBlocks(md, 'first-device.md');
    expect(blocks.filter((b) => b.mode !== 'not here').length).toBeGreaterThanOrEqual(3);
    const script = [
      'set -euo pipefail',
      `export HOME=${JSON.stringify(work)} WORK=${JSON.stringify(work)} STERILINK_MQTT_URL=${broker.url}`,
      `export PATH=${[bin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin'].join(':')}`,
      'cd "$HOME"',
      ...guideScript(blocks, { file: 'first-device.md', work, prelude: '' }),
      'kill $(jobs -p) 2>/dev/null || true', // socat, started in the background by the guide
    ].join('\n');
    fs.writeFileSync(path.join(work, 'guide.sh'), script);
    const guide = startProcess('bash', [path.join(work, 'guide.sh')], { cwd: work });
    cleanup.add(() => guide.kill('SIGKILL'));
    const status = await guide.exited;
    expect(status, guide.output().slice(-4000)).toBe(0);
    expect(guide.output()).toMatch(/trial\.yaml: ok \(site trial, gateway gw-trial, 1 device, data in .*sterilink-trial\/data\)/);
    const online = watch.filter((m) => m.topic === 'sterilink/v1/trial/gw-trial/status' && (m.json as { online?: boolean }).online === true);
    expect(online.length).toBeGreaterThan(0);
    const state = await watch.waitFor((m) => m.topic === 'sterilink/v1/trial/gw-trial/device/AC-01/state');
    expect(state.json).toHaveProperty('connected'); // the gateway opened ./gateway, socat's end of the pair
  }, 60_000);
});
