// prom-client is loaded only when `http` is configured (a gateway without it keeps its memory for the
// machines): `sterilink run` is started twice with a probe injected through --import that, on SIGUSR2,
// writes the CommonJS modules the process has loaded. Without `http` none of prom-client's files is among
// them; with `http` (page off) they are, and the listener says it serves no page. The same probe holds the
// event loop for 1.5 s on SIGWINCH: the lag metric shows the stall.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cleanups, tempGatewayFolder } from '../helpers/cleanups.js';
import { type Proc, startCli, writeConfig } from '../helpers/cli.js';
import { get } from '../helpers/http-client.js';
import { freePort } from '../helpers/mosquitto.js';
import { parseExposition, sampleValue } from '../helpers/prom-text.js';
import { until } from '../helpers/until.js';

const PROBE = `
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
process.on('SIGUSR2', () => {
  fs.writeFileSync(process.env.X_MODULES_OUT + '.tmp', JSON.stringify(Object.keys(require('node:module')._cache)));
  fs.renameSync(process.env.X_MODULES_OUT + '.tmp', process.env.X_MODULES_OUT);
});
process.on('SIGWINCH', () => {
  const until = Date.now() + 1500;
  while (Date.now() < until) { /* the event loop is stuck here */ }
  fs.writeFileSync(process.env.X_MODULES_OUT + '.hung', 'done');
});
`;

describe('prom-client is loaded only with http; the event-loop lag shows a stall', () => {
  const cleanup = new Cleanups();
  afterAll(() => cleanup.run());

  it('not without http; with http and page: false, prom-client but not the page, and a 1.5 s stall in the lag', async () => {
    const { dir, broker } = await tempGatewayFolder(cleanup);
    const probe = path.join(dir, 'probe.mjs');
    fs.writeFileSync(probe, PROBE);

    const loaded = async (
      name: string,
      http: object | undefined,
      whileRunning?: (out: string, gw: Proc) => Promise<void>,
    ): Promise<{ modules: string[]; log: string }> => {
      const d = path.join(dir, name);
      fs.mkdirSync(d);
      const cfg = writeConfig(d, {
        site: 'lazy',
        gateway: name,
        dataDir: path.join(d, 'data'),
        mqtt: { url: broker.url },
        devices: [],
        ...(http ? { http } : {}),
      });
      const out = path.join(d, 'modules.json');
      const gw = startCli(['run', '--config', cfg], { NODE_OPTIONS: `--import=${probe}`, X_MODULES_OUT: out });
      cleanup.add(() => gw.kill('SIGKILL'));
      await gw.waitForOutput('gateway running', 30_000);
      gw.child.kill('SIGUSR2');
      await until(() => fs.existsSync(out), 10_000, 'the module list');
      await whileRunning?.(out, gw);
      const log = gw.output();
      expect(await gw.kill('SIGTERM')).toBe(0);
      return { modules: JSON.parse(fs.readFileSync(out, 'utf8')) as string[], log };
    };

    const { modules: without } = await loaded('gw-plain', undefined);
    expect(without.some((f) => f.includes(`${path.sep}better-sqlite3${path.sep}`))).toBe(true); // the probe sees CommonJS packages
    expect(without.filter((f) => f.includes(`${path.sep}prom-client${path.sep}`))).toEqual([]);

    const port = await freePort();
    const lagMax = async () =>
      sampleValue(parseExposition((await get(`http://127.0.0.1:${port}/metrics`)).body), 'sterilink_event_loop_lag_seconds', { quantile: '1' });
    const { modules: withHttp, log } = await loaded('gw-metrics', { listen: `127.0.0.1:${port}`, page: false }, async (out, gw) => {
      expect(await lagMax()).toBeLessThan(1.4);
      gw.child.kill('SIGWINCH');
      await until(() => fs.existsSync(`${out}.hung`), 10_000, 'the end of the stall');
      expect(await lagMax()).toBeGreaterThanOrEqual(1.4);
    });
    expect(withHttp.some((f) => f.includes(`${path.sep}prom-client${path.sep}`))).toBe(true);
    expect(log).toContain('no web page: http.page is false');
    expect(log).not.toContain('web page at');
  }, 90_000);
});
