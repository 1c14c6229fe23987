// The gateway's V8 flags (cli/node-flags.ts, docs/performance.md "Memory") reach every way it is started:
// the bin's #! line (sterilink, npx sterilink, npm install -g, the systemd unit), `npm start` and the
// Dockerfile's ENTRYPOINT. The built bin is run as the kernel runs it, through its #! line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_ENV_SETTINGS, NODE_FLAGS } from '../../cli/node-flags.js';
import { ROOT } from '../helpers/process.js';

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

describe('the V8 flags of the gateway', () => {
  it("are on the bin's #! line, in npm start and in the Dockerfile's ENTRYPOINT", () => {
    expect(NODE_FLAGS.length).toBeGreaterThan(0);
    expect(read('cli/sterilink.ts').split('\n')[0]).toBe(`#!/usr/bin/env -S ${NODE_ENV_SETTINGS.join(' ')} node ${NODE_FLAGS.join(' ')}`);
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin.sterilink).toBe('dist/cli/sterilink.js');
    expect(pkg.scripts.start).toBe(`exec env ${NODE_ENV_SETTINGS.join(' ')} node ${NODE_FLAGS.join(' ')} dist/cli/sterilink.js demo`);
    const entry = /^ENTRYPOINT (.+)$/m.exec(read('Dockerfile'))?.[1];
    expect(JSON.parse(entry ?? 'null')).toEqual(['node', ...NODE_FLAGS, 'dist/cli/sterilink.js']);
    const dockerEnv = [...read('Dockerfile').matchAll(/^ENV (\S+=\S+)$/gm)].map((m) => m[1]);
    for (const e of NODE_ENV_SETTINGS) expect(dockerEnv).toContain(e);
    // the unit starts the installed bin by name, so its #! line applies
    expect(read('deploy/systemd/sterilink.service')).toMatch(/^ExecStart=sterilink run /m);
  });

  it('the built bin starts through its #! line with them', () => {
    const bin = path.join(ROOT, 'dist/cli/sterilink.js');
    expect(fs.readFileSync(bin, 'utf8').split('\n')[0]).toBe(read('cli/sterilink.ts').split('\n')[0]);
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+\.\d+\.\d+/);
    expect(r.stderr).toBe(''); // no V8 warning about conflicting flags
  });

  it('the #! line hands node both the environment and the flags', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-shebang-'));
    try {
      const script = path.join(dir, 'probe.mjs');
      const probe = 'console.log(JSON.stringify({ env: process.env.MALLOC_MMAP_THRESHOLD_, flags: process.execArgv }))';
      fs.writeFileSync(script, `${read('cli/sterilink.ts').split('\n')[0]}\n${probe}\n`, { mode: 0o755 });
      const r = spawnSync(script, [], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ env: '69632', flags: [...NODE_FLAGS] });
      expect(NODE_ENV_SETTINGS).toEqual(['MALLOC_MMAP_THRESHOLD_=69632']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
