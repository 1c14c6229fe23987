// One gateway per data folder (issue 10): a second `sterilink run` on the same config refuses to start,
// naming the folder and the first gateway's pid, and leaves the first one running undisturbed. The lock is
// the kernel's: after the holder is SIGKILLed, a new gateway takes the folder at once (no stale lock).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cleanups, tempGatewayFolder } from '../helpers/cleanups.js';
import { startCli, writeGatewayConfig } from '../helpers/cli.js';

describe('the data-folder lock', () => {
  const cleanup = new Cleanups();
  afterAll(() => cleanup.run());

  it('refuses a second gateway on the same data folder and frees the folder when the holder dies', async () => {
    const { dir, dataDir, broker } = await tempGatewayFolder(cleanup);
    const cfg = writeGatewayConfig(dir, { site: 'lk', mqtt: { url: broker.url }, devices: [] });

    const first = startCli(['run', '--config', cfg]);
    cleanup.add(() => first.kill('SIGKILL'));
    await first.waitForOutput('gateway running');
    const firstPid = first.child.pid as number;
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'gateway.pid'), 'utf8'))).toMatchObject({ pid: firstPid });

    const second = startCli(['run', '--config', cfg]);
    cleanup.add(() => second.kill('SIGKILL'));
    expect(await second.exited).toBe(2);
    expect(second.output()).toContain(`the data folder ${dataDir} is in use by another gateway (pid ${firstPid}`);
    expect(second.output()).not.toContain('gateway running');
    expect(first.child.exitCode).toBe(null); // the first one was not disturbed

    await first.kill('SIGKILL'); // its pid file stays behind, its lock does not
    expect(fs.existsSync(path.join(dataDir, 'gateway.pid'))).toBe(true);
    const third = startCli(['run', '--config', cfg]);
    cleanup.add(() => third.kill('SIGKILL'));
    await third.waitForOutput('gateway running');
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'gateway.pid'), 'utf8'))).toMatchObject({ pid: third.child.pid });
    expect(await third.kill('SIGTERM')).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'gateway.pid'))).toBe(false); // a clean stop removes it
  }, 60_000);
});
