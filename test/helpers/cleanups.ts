// What a test started, undone after it: `run()` in afterEach calls the cleanups last-added first
// (readers before the processes they read, processes before the folders they use).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sterilinkBin } from './cli.js';
import { Mosquitto } from './mosquitto.js';
import { type PtyPair, ptyPair } from './process.js';

export class Cleanups {
  private readonly list: Array<() => Promise<unknown>> = [];
  add(fn: () => Promise<unknown>): void {
    this.list.push(fn);
  }
  async run(): Promise<void> {
    for (const fn of this.list.splice(0).reverse()) await fn();
  }
}

/** A fresh temp folder, removed at cleanup. */
export async function tempDir(cleanups: Cleanups, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.add(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A socat PTY pair in `dir` (process.ts ptyPair), closed at cleanup. */
export async function tempPtyPair(cleanups: Cleanups, dir: string, name: string): Promise<PtyPair> {
  const pty = await ptyPair(dir, name);
  cleanups.add(pty.close);
  return pty;
}

/** A private Mosquitto on a free port, stopped at cleanup. */
export async function tempBroker(cleanups: Cleanups): Promise<Mosquitto> {
  const broker = await Mosquitto.start();
  cleanups.add(() => broker.dispose());
  return broker;
}

/** What a test that runs `sterilink run` starts from: a fresh temp folder, its `data` folder's path (not made), a private Mosquitto. */
export interface GatewayFolder {
  dir: string;
  dataDir: string;
  broker: Mosquitto;
}

/** A GatewayFolder; the folder is removed and the broker stopped at cleanup. */
export async function tempGatewayFolder(cleanups: Cleanups, prefix = 'sterilink-test-'): Promise<GatewayFolder> {
  const dir = await tempDir(cleanups, prefix);
  return { dir, dataDir: join(dir, 'data'), broker: await tempBroker(cleanups) };
}

/** A fresh temp folder (removed at cleanup) with `bin/sterilink` linked to the built CLI, as a user's PATH has it. */
export async function tempBinDir(cleanups: Cleanups, prefix: string): Promise<{ dir: string; bin: string }> {
  const dir = await tempDir(cleanups, prefix);
  return { dir, bin: sterilinkBin(dir) };
}
