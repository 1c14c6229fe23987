// `sterilink run` keeps only what a running gateway needs in memory (docs/performance.md, "Memory"): the
// config is checked in a child process (cli/config-check-child.ts), so the gateway process itself never
// loads the schema library (zod) or the YAML parser; a printer-line profile file would load the latter on
// demand. Watched from inside the real process: an --import hook records every module it resolves (ESM)
// and requires (CommonJS), and the test reads that list after the gateway ran.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cleanups, tempGatewayFolder } from '../helpers/cleanups.js';
import { writeGatewayConfig } from '../helpers/cli.js';
import { ROOT, startProcess } from '../helpers/process.js';

const HOOK = `
import fs from 'node:fs';
import Module, { register } from 'node:module';
const out = process.env.MODULE_TRACE;
register('data:text/javascript,' + encodeURIComponent(\`
import fs from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  fs.appendFileSync(\${JSON.stringify(out)}, 'esm ' + r.url + '\\\\n');
  return r;
}\`));
const load = Module._load;
Module._load = function (request, parent, isMain) {
  fs.appendFileSync(out, 'cjs ' + request + ' ' + (parent?.filename ?? '') + '\\n');
  return load.apply(this, arguments);
};
`;

describe('sterilink run', () => {
  const cleanup = new Cleanups();
  afterAll(() => cleanup.run());

  it('runs the gateway without loading zod, yaml (the config is checked in a child process) or mqtt.js transports it does not use', async () => {
    const { dir, broker } = await tempGatewayFolder(cleanup);
    const cfg = writeGatewayConfig(dir, { site: 'mods', mqtt: { url: broker.url }, devices: [] });
    const hook = path.join(dir, 'module-trace.mjs');
    fs.writeFileSync(hook, HOOK);
    const trace = path.join(dir, 'modules.txt');
    const gw = startProcess(process.execPath, ['--import', hook, path.join(ROOT, 'dist/cli/sterilink.js'), 'run', '--config', cfg], {
      env: { ...process.env, MODULE_TRACE: trace },
    });
    cleanup.add(() => gw.kill('SIGKILL'));
    await gw.waitForOutput('gateway running');
    expect(await gw.kill('SIGTERM')).toBe(0);
    const loaded = fs.readFileSync(trace, 'utf8');
    // the hook sees both kinds of loading: the gateway's own ESM files and mqtt.js' CommonJS requires
    expect(loaded).toMatch(/^esm file:.*\/dist\/gateway\/app\.js$/m);
    expect(loaded).toMatch(/^cjs mqtt-packet /m);
    expect(loaded).not.toMatch(/node_modules\/zod\//);
    expect(loaded).not.toMatch(/node_modules\/yaml\/|^cjs yaml /m);
    expect(loaded).not.toMatch(/\/dist\/config\/(load-config|schema|retention-config)\.js/);
    // the gateway opens its own socket for mqtt:// (gateway/publish/broker-socket.ts): mqtt.connect() would
    // load every transport mqtt.js knows, WebSocket (ws, http, https, zlib) and SOCKS (socks, dns) included
    expect(loaded).toMatch(/^esm file:.*\/dist\/gateway\/publish\/broker-socket\.js$/m);
    expect(loaded).not.toMatch(/^cjs (ws|socks|\.\/ws|\.\/socks|http|https|zlib|dns) /m);
  }, 60_000);
});
