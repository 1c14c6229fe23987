// Child processes for tests (the CLI, socat, mosquitto) and socat PTY pairs, the one way every test
// gets a real serial line. Everything started here is killed when the test process exits; a test that
// wants it gone sooner calls `kill()` / `close()` itself.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
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

/** The two ends of a PTY pair: `dev` for the simulated device, `gw` for the gateway (or the reader). */
export interface PtyPaths {
  dev: string;
  gw: string;
}

export interface PtyPair extends PtyPaths {
  proc: Proc;
  /** Ends socat (SIGTERM, so it removes its links) and waits for it. Idempotent. */
  close(): Promise<void>;
}

/** Where ptyPair(dir, name) puts its links: known before socat runs, for a port that appears later. */
export function ptyPaths(dir: string, name = 'pty'): PtyPaths {
  return { dev: path.join(dir, `${name}-dev`), gw: path.join(dir, `${name}-gw`) };
}

/** socat's line (at -d -d) once both PTYs and their links exist and bytes flow. */
const SOCAT_READY = 'starting data transfer loop';

/** A socat PTY pair with stable links at `paths`; resolves once socat's transfer loop runs, rejects if
 * socat exits first. */
export async function startPty(paths: PtyPaths): Promise<PtyPair> {
  const proc = startProcess('socat', ['-d', '-d', `pty,raw,echo=0,link=${paths.dev}`, `pty,raw,echo=0,link=${paths.gw}`]);
  const died = proc.exited.then((code) => Promise.reject(new Error(`socat exited ${code} before its PTYs were ready: ${proc.output()}`)));
  await Promise.race([proc.waitForOutput(SOCAT_READY, 10_000), died]);
  return { ...paths, proc, close: async () => void (await proc.kill()) };
}

/** A socat PTY pair in `dir`, its links named after `name` (ptyPaths). */
export function ptyPair(dir: string, name = 'pty'): Promise<PtyPair> {
  return startPty(ptyPaths(dir, name));
}
