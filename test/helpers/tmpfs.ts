// A small tmpfs for the fault suite's full-disk tests (issue 10): mounted on a fresh folder, filled with a
// file until the file system says ENOSPC, emptied again, unmounted. The tests run as root; a mount that
// fails (EPERM outside a privileged container) fails the test with a message saying so, never skips it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Fills the file system with `name` until ENOSPC; returns the bytes written. */
  fill(name?: string): number;
  /** Removes the filler. */
  free(name?: string): void;
  /** Bytes free (statfs). */
  freeBytes(): number;
  unmount(): void;
}

export function mountTmpfs(dir: string, sizeMiB: number): Tmpfs {
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      `cannot mount a ${sizeMiB} MiB tmpfs on ${dir} (${(r.stderr || r.error?.message || '').trim()}): the full-disk fault tests need root ` +
        '(or CAP_SYS_ADMIN) to mount a small file system; run them as root, e.g. in the CI container',
    );
  }
  const filler = (name = 'filler.bin') => path.join(dir, name);
  return {
    dir,
    fill(name) {
      const fd = fs.openSync(filler(name), 'a');
      const chunk = Buffer.alloc(64 * 1024, 0x55);
      let written = 0;
      try {
        for (;;) {
          try {
            written += fs.writeSync(fd, chunk);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
            // the last pages: smaller writes until nothing fits
            for (let n = 32 * 1024; n >= 512; n >>= 1) written += writeUntilFull(fd, chunk, n);
            return written;
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    free(name) {
      fs.rmSync(filler(name), { force: true });
    },
    freeBytes() {
      const s = fs.statfsSync(dir);
      return Number(s.bavail) * Number(s.bsize);
    },
    unmount() {
      const u = spawnSync('umount', ['-l', dir], { encoding: 'utf8' });
      if (u.status !== 0) throw new Error(`umount ${dir}: ${u.stderr}`);
    },
  };
}

/** Writes `n` bytes at a time until ENOSPC; the bytes written. */
function writeUntilFull(fd: number, chunk: Buffer, n: number): number {
  let written = 0;
  for (;;) {
    try {
      written += fs.writeSync(fd, chunk, 0, n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return written;
      throw e;
    }
  }
}
