// Runs the built `sterilink` CLI (dist/, compiled by `pretest`) as a user would, plus a socat PTY pair
// and temp folders; everything started here is killed when the test process exits.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/gateway/cli.js');

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export function tempDir(prefix = 'sterilink-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves when the output contains the text (or matches); rejects after timeoutMs with the output. */
  waitForOutput(match: string | RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Proc {
  const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  return {
    child,
    output: () => out,
    exited,
    waitForOutput(match, timeoutMs = 20_000) {
      const hit = () => (typeof match === 'string' ? out.includes(match) : match.test(out));
      if (hit()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`output never matched ${String(match)} within ${timeoutMs} ms; output:\n${out.slice(-3000)}`));
        }, timeoutMs);
        const check = () => {
          if (hit()) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `sterilink ARGS` in the background. */
export function startCli(args: string[], env?: NodeJS.ProcessEnv): Proc {
  return startProcess(process.execPath, [CLI, ...args], env ? { env } : {});
}

/** `sterilink ARGS` to completion. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, ...opts.env },
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
}

/** A socat PTY pair: `dev` for the simulated device, `gw` for the gateway. */
export async function ptyPair(dir: string, name = 'pty'): Promise<{ dev: string; gw: string; proc: Proc }> {
  const dev = path.join(dir, `${name}-dev`);
  const gw = path.join(dir, `${name}-gw`);
  const proc = startProcess('socat', [`pty,raw,echo=0,link=${dev}`, `pty,raw,echo=0,link=${gw}`]);
  const deadline = Date.now() + 10_000;
  while (!(fs.existsSync(dev) && fs.existsSync(gw))) {
    if (Date.now() > deadline) throw new Error(`socat PTY pair did not appear: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { dev, gw, proc };
}

export function writeConfig(dir: string, config: object): string {
  const file = path.join(dir, 'gateway.yaml');
  fs.writeFileSync(file, stringify(config));
  return file;
}
