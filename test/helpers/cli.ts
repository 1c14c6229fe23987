// Runs the built `sterilink` CLI (dist/, compiled by `pretest`) as a user would, with the process, PTY and
// temp-folder helpers of process.ts; everything started here is killed when the test process exits.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { type Proc, ROOT, startProcess } from './process.js';

export { type Proc, type PtyPair, ptyPair, ROOT, startProcess, tempDir } from './process.js';

export const CLI = path.join(ROOT, 'dist/cli/sterilink.js');

/** `sterilink ARGS` in the background. */
export function startCli(args: string[], env?: NodeJS.ProcessEnv): Proc {
  return startProcess(process.execPath, [CLI, ...args], env ? { env } : {});
}

/** Flags written as an object, in its order: `{ serial: '/dev/x', speed: 300, waitClient: true }` -> `--serial /dev/x --speed 300 --wait-client`. */
export function cliFlags(flags: Readonly<Record<string, string | number | true>>): string[] {
  return Object.entries(flags).flatMap(([name, value]) => {
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return value === true ? [flag] : [flag, String(value)];
  });
}

/** `sterilink simulate KIND --flags…` in the background (flags as in cliFlags). */
export function startSimulator(kind: 'autoclave' | 'washer' | 'bi-reader' | 'scanner', flags: Readonly<Record<string, string | number | true>>): Proc {
  return startCli(['simulate', kind, ...cliFlags(flags)]);
}

/** A `bin` folder in `dir` holding the `sterilink` command (a link to the built CLI), for a PATH as an installed system has it. */
export function sterilinkBin(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(CLI, path.join(bin, 'sterilink'));
  return bin;
}

/** `sterilink ARGS` to completion. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    env: { ...process.env, ...opts.env },
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
}

export function writeConfig(dir: string, config: object): string {
  const file = path.join(dir, 'gateway.yaml');
  fs.writeFileSync(file, stringify(config));
  return file;
}

/** A gateway's config in `dir` (writeConfig): gateway `gw1` and the store in `dir/data`, unless `config` says otherwise. */
export function writeGatewayConfig(dir: string, config: { site: string; mqtt: object } & Record<string, unknown>): string {
  return writeConfig(dir, { gateway: 'gw1', dataDir: path.join(dir, 'data'), ...config });
}
