// What a test started, undone after it: `run()` in afterEach calls the cleanups last-added first
// (readers before the processes they read, processes before the folders they use).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
