// The storage guard's states (gateway/store/storage-guard.ts) with the free space injected: the reserve file
// is made, released on a full-disk failure (and the write tried again at once), written back when there is
// room; `failing` while a write fails even so; one log line per state change, however many failures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RESERVE_FILE, StorageGuard, type StorageStatus } from '../../gateway/store/storage-guard.js';

const MiB = 1 << 20;

function rig(reserveBytes: number, free0: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-guard-'));
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
  const changes: StorageStatus[] = [];
  let free = free0;
  const guard = new StorageGuard({
    dataDir,
    reserveBytes,
    logger,
    now: Date.now,
    checkIntervalMs: 3_600_000,
    onChange: (s) => changes.push(s),
    freeBytes: () => free,
  });
  return {
    guard,
    dataDir,
    lines,
    changes,
    setFree: (n: number) => {
      free = n;
    },
    reserveSize: () => (fs.existsSync(path.join(dataDir, RESERVE_FILE)) ? fs.statSync(path.join(dataDir, RESERVE_FILE)).size : null),
  };
}

const full = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('storage guard', () => {
  it('makes the reserve, releases it on a full disk and retries the write once, then writes it back when there is room', () => {
    const r = rig(MiB, 100 * MiB);
    r.guard.start();
    expect(r.reserveSize()).toBe(MiB);
    expect(r.guard.status().state).toBe('ok');
    expect(r.guard.acceptsNoise).toBe(true);

    let calls = 0;
    const result = r.guard.write(() => {
      calls++;
      if (calls === 1) throw full();
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(calls).toBe(2);
    expect(r.reserveSize()).toBeNull();
    expect(r.guard.status()).toMatchObject({ state: 'low', reserveHeld: false });
    expect(r.guard.acceptsNoise).toBe(false);

    // not enough room yet: stays low
    r.setFree(2 * MiB);
    r.guard.check();
    expect(r.guard.status().state).toBe('low');
    // room: the reserve is written back, ok
    r.setFree(50 * MiB);
    r.guard.check();
    expect(r.reserveSize()).toBe(MiB);
    expect(r.guard.status()).toMatchObject({ state: 'ok', reserveHeld: true });
    expect(r.changes.map((c) => c.state)).toEqual(['low', 'ok']);
    r.guard.stop();
  });

  it('is failing while writes fail with the reserve gone, logs each change once, and recovers on the next write that works', () => {
    const r = rig(MiB, 100 * MiB);
    r.guard.start();
    const before = r.lines.length;
    let failing = true;
    const write = () =>
      r.guard.write(() => {
        if (failing) throw full();
        return 1;
      });
    for (let i = 0; i < 100; i++) expect(write).toThrow(/disk is full/);
    expect(r.guard.status()).toMatchObject({ state: 'failing', reserveHeld: false });
    expect(r.guard.status().error).toMatch(/disk is full/);
    failing = false;
    expect(write()).toBe(1);
    expect(r.guard.status().state).toBe('low'); // the reserve is not back yet
    expect(r.changes.map((c) => c.state)).toEqual(['low', 'failing', 'low']);
    expect(r.lines.length - before).toBe(3); // 100 failures, 3 changes, 3 lines
    r.guard.stop();
  });

  it('passes nested writes through (the outer write decides), and an error that is not about space does not release the reserve', () => {
    const r = rig(MiB, 100 * MiB);
    r.guard.start();
    expect(() =>
      r.guard.write(() => {
        throw new Error('attempt to write a readonly database');
      }),
    ).toThrow(/readonly/);
    expect(r.reserveSize()).toBe(MiB);
    expect(r.guard.status().state).toBe('failing');
    let inner = 0;
    r.guard.write(() => r.guard.write(() => inner++));
    expect(inner).toBe(1);
    expect(r.guard.status().state).toBe('ok');
    r.guard.stop();
  });

  it('releases a reserve left from an earlier run when the disk is full at start, and goes low before a failure when the free space falls below the reserve', () => {
    const r = rig(MiB, 100 * MiB);
    r.guard.start();
    r.guard.stop();
    const again = new StorageGuard({ dataDir: r.dataDir, reserveBytes: MiB, logger: pino({ level: 'silent' }), now: Date.now, freeBytes: () => 0 });
    again.start();
    expect(r.reserveSize()).toBeNull();
    expect(again.status()).toMatchObject({ state: 'low', reserveHeld: false });
    again.stop();

    const s = rig(MiB, 100 * MiB);
    s.guard.start();
    s.setFree(MiB / 2);
    s.guard.check();
    expect(s.guard.status()).toMatchObject({ state: 'low', reserveHeld: true });
    s.guard.stop();
  });
});
