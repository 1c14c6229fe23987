// The gateway under systemd (deploy/systemd/sterilink.service: Type=notify, WatchdogSec=): with a notify
// socket it says READY=1 once it runs, pings WATCHDOG=1 while its event loop turns, stops pinging while
// the loop hangs (so systemd restarts it), and says STOPPING=1 on SIGTERM. The socket is a stand-in
// (helpers/notify-socket.ts); the messages go out through the real systemd-notify.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cleanups, tempGatewayFolder } from '../helpers/cleanups.js';
import { startCli, writeGatewayConfig } from '../helpers/cli.js';
import { NotifySocket } from '../helpers/notify-socket.js';

// Test code injected with --import: on SIGUSR2 the gateway's event loop is held for 1.5 s, between two
// markers sent through the same socket so that they are ordered with the pings.
const HANG = `
import { spawnSync } from 'node:child_process';
const env = { ...process.env }; // taken before the gateway moves NOTIFY_SOCKET out of its environment
process.on('SIGUSR2', () => {
  spawnSync('systemd-notify', ['X_TEST_HANG=begin'], { env });
  const until = Date.now() + 1500;
  while (Date.now() < until) { /* the event loop is stuck here */ }
  spawnSync('systemd-notify', ['X_TEST_HANG=end'], { env });
});
`;

describe('systemd notifications (sd_notify)', () => {
  const cleanup = new Cleanups();
  afterAll(() => cleanup.run());

  it('READY=1 once running, WATCHDOG=1 while the loop turns and not while it hangs, STOPPING=1 on SIGTERM', async () => {
    const { dir, broker } = await tempGatewayFolder(cleanup);
    const sock = await NotifySocket.open(dir);
    cleanup.add(() => sock.close());
    const hang = path.join(dir, 'hang.mjs');
    fs.writeFileSync(hang, HANG);
    const cfg = writeGatewayConfig(dir, { site: 'sd', mqtt: { url: broker.url }, devices: [] });
    // WatchdogSec=0.2 s: a ping every 100 ms
    const gw = startCli(['run', '--config', cfg], { NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '200000', NODE_OPTIONS: `--import=${hang}` });
    cleanup.add(() => gw.kill('SIGKILL'));

    const ready = await sock.waitFor((n) => n.fields.READY === '1', 20_000, 'READY=1');
    await gw.waitForOutput('"gateway running"');
    const running = gw
      .output()
      .split('\n')
      .find((l) => l.includes('"gateway running"'))!;
    expect(ready.at).toBeGreaterThanOrEqual((JSON.parse(running) as { time: number }).time); // READY only once the gateway runs
    expect(ready.fields.STATUS).toMatch(/^running: 0 device/);
    await sock.waitFor(() => sock.with('WATCHDOG', '1').length >= 3, 10_000, 'three watchdog pings');

    gw.child.kill('SIGUSR2');
    const end = await sock.waitFor((n) => n.fields.X_TEST_HANG === 'end', 10_000, 'end of the hang');
    const begin = sock.with('X_TEST_HANG', 'begin')[0]!;
    expect(end.at - begin.at).toBeGreaterThanOrEqual(1400);
    // 15 intervals of silence: at most the one ping already handed to systemd-notify before the hang
    const during = sock.messages.filter((n) => n.fields.WATCHDOG && n.at > begin.at && n.at < end.at);
    expect(during.length).toBeLessThanOrEqual(1);
    await sock.waitFor((n) => n.fields.WATCHDOG === '1' && n.at > end.at, 10_000, 'a ping after the hang');

    expect(await gw.kill('SIGTERM')).toBe(0);
    // only the gateway speaks: no child of it (timedatectl, …) reports its own ERRNO= as the service's
    expect(sock.messages.filter((n) => 'ERRNO' in n.fields)).toEqual([]);
    const stopping = sock.with('STOPPING', '1');
    expect(stopping).toHaveLength(1);
    expect(stopping[0]!.at).toBeGreaterThan(ready.at);
  }, 60_000);
});
