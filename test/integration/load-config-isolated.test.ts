// `sterilink run` checks its config in a child process (cli/load-config-isolated.ts): what comes back must
// be exactly what loadConfigFile gives in-process, for every shipped example, with environment overrides
// and secrets read from the environment handed to it, and a bad config must fail with the same problems.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigIsolated } from '../../cli/load-config-isolated.js';
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { Cleanups, tempDir } from '../helpers/cleanups.js';
import { ROOT } from '../helpers/process.js';

const cleanups = new Cleanups();
afterAll(() => cleanups.run());

const examples = ['config/examples/site.example.yaml', 'config/examples/demo.yaml'].map((f) => path.join(ROOT, f));

describe('loading the config in a child process', () => {
  it.each(examples)('gives what loadConfigFile gives for %s', async (file) => {
    const env = { PATH: process.env.PATH ?? '', STERILINK_MQTT_PASSWORD: 'pw-from-env', STERILINK_DATA_DIR: '/var/lib/sterilink-x' };
    const here = loadConfigFile(file, { env, knownPrograms: knownProgramIds() });
    const there = await loadConfigIsolated(file, env);
    expect(there).toEqual(here);
    expect(there.mqttPassword).toBe('pw-from-env');
    expect(there.config.dataDir).toBe('/var/lib/sterilink-x');
  });

  it('fails with the same ConfigError, every problem named', async () => {
    const dir = await tempDir(cleanups, 'cfg-child-');
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'site: x\ngateway: gw1\nbogus: 1\nmqtt: { url: ftp://nowhere }\ndevices:\n  - { id: D1, type: steam-sterilizer, driver: modbus }\n');
    let here: unknown;
    try {
      loadConfigFile(file, { env: {}, knownPrograms: knownProgramIds() });
    } catch (e) {
      here = e;
    }
    expect(here).toBeInstanceOf(ConfigError);
    const there = await loadConfigIsolated(file, {}).catch((e: unknown) => e);
    expect(there).toBeInstanceOf(ConfigError);
    expect((there as ConfigError).message).toBe((here as ConfigError).message);
    expect((there as ConfigError).problems.length).toBeGreaterThan(1);
  });

  it('names the file when it cannot be read', async () => {
    const there = await loadConfigIsolated('/nonexistent/gw.yaml', {}).catch((e: unknown) => e);
    expect(there).toBeInstanceOf(ConfigError);
    expect((there as ConfigError).message).toMatch(/^\/nonexistent\/gw\.yaml: 1 problem\n\(file\): cannot read/);
  });
});
