// A keyboard-wedge scanner's Linux input device (/dev/input/eventN, better the stable
// /dev/input/by-id/usb-…-event-kbd) read as a byte stream of input_event records. Output only: write()
// is refused. Reconnects forever (ReconnectingTransport): an unplugged scanner comes back by itself.
//
// Reading. The device is opened non-blocking and read in a loop; an empty read (EAGAIN) waits `pollMs`
// (default 20 ms) before the next one. Blocking reads would hold a libuv thread-pool thread per scanner
// and could not be interrupted by stop(); a few dozen failed reads a second cost next to nothing.
// Regular files (a test or a recorded capture) are tailed from their end at open, or from the start with
// `fromStart`; FIFOs (the keyboard-wedge simulator) are read as they come.
//
// Disappearance. An unplugged device fails its reads (ENODEV); besides, every `checkMs` (default 1000)
// the path is stat'ed: gone, or now a different file (the device re-enumerated, the FIFO was recreated)
// -> the link is lost and the path is opened again with backoff.
//
// Exclusive access. Node cannot issue the EVIOCGRAB ioctl without a native addon, so the scanner is not
// grabbed: whatever else reads the device (a desktop session, a console login on a Pi with a screen) sees
// the same keystrokes, and may act on them (a stray Enter in a terminal). Dedicate the scanner to the
// gateway instead: a udev rule such as
//   ACTION=="add", SUBSYSTEM=="input", ENV{ID_VENDOR_ID}=="05e0", ENV{LIBINPUT_IGNORE_DEVICE}="1", MODE="0640", GROUP="sterilink"
// keeps libinput (X, Wayland) away from it and lets the gateway's user read it (docs/devices.md).

import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { GatewayError } from '../../vocabulary/errors.js';
import { type ConnectionCallbacks, type LinkConnection, ReconnectingTransport, type ReconnectOptions } from '../transport/reconnecting-transport.js';

export interface HidTransportOptions extends ReconnectOptions {
  /** /dev/input/eventN, or better the /dev/input/by-id/…-event-kbd link, which survives re-plugging. */
  path: string;
  /** Idle wait between two empty reads. Default 20 ms. */
  pollMs?: number;
  /** How often the path is checked for the device having gone. Default 1000 ms. */
  checkMs?: number;
  /** A regular file is read from its start instead of its end at open. Default false. */
  fromStart?: boolean;
  /** Bytes per read. Default 4096 (170 records of 24 bytes). */
  readBytes?: number;
}

export const DEFAULT_HID_POLL_MS = 20;
export const DEFAULT_HID_CHECK_MS = 1000;

const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

export class HidTransport extends ReconnectingTransport {
  constructor(options: HidTransportOptions) {
    super(`hid:${options.path}`, (callbacks, signal) => openInputDevice(options, callbacks, signal), options);
  }

  override async write(_data: Buffer | string): Promise<void> {
    throw new GatewayError('device.transport.read-only', `${this.description}: an input device cannot be written to`);
  }
}

async function openInputDevice(options: HidTransportOptions, callbacks: ConnectionCallbacks, signal: AbortSignal): Promise<LinkConnection> {
  const pollMs = options.pollMs ?? DEFAULT_HID_POLL_MS;
  const checkMs = options.checkMs ?? DEFAULT_HID_CHECK_MS;
  const fh = await fs.promises.open(options.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  let stat: fs.Stats;
  try {
    stat = await fh.stat();
    if (signal.aborted) throw new Error('stopped');
  } catch (e) {
    await fh.close();
    throw e;
  }
  const identity = { dev: stat.dev, ino: stat.ino };
  const regular = stat.isFile();
  let position = regular && !options.fromStart ? stat.size : 0;
  const stop = new AbortController();
  const buf = Buffer.alloc(options.readBytes ?? 4096);

  const loop = async (): Promise<void> => {
    let nextCheck = performance.now() + checkMs;
    while (!stop.signal.aborted) {
      let n = 0;
      try {
        ({ bytesRead: n } = await fh.read(buf, 0, buf.length, regular ? position : null));
      } catch (e) {
        if (!RETRY_CODES.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      }
      if (stop.signal.aborted) return;
      if (n > 0) {
        position += n;
        callbacks.onData(Buffer.from(buf.subarray(0, n)));
        continue;
      }
      if (performance.now() >= nextCheck) {
        nextCheck = performance.now() + checkMs;
        const why = await changedReason(options.path, identity);
        if (why !== undefined) throw new Error(why);
      }
      try {
        await delay(pollMs, undefined, { signal: stop.signal });
      } catch {
        return; // stopped
      }
    }
  };

  // The first read starts on the next turn of the event loop: no callback before the opener has resolved.
  const running = new Promise<void>((resolve) => setImmediate(resolve)).then(loop).then(
    () => undefined,
    async (e: unknown) => {
      if (stop.signal.aborted) return;
      stop.abort();
      await closeQuietly(fh);
      callbacks.onClosed(e instanceof Error ? e : new Error(String(e)));
    },
  );

  return {
    write: () => Promise.reject(new GatewayError('device.transport.read-only', `hid:${options.path}: an input device cannot be written to`)),
    close: async () => {
      stop.abort();
      await running;
      await closeQuietly(fh);
    },
  };
}

/** Why the path no longer names the file we have open, or undefined when it still does. */
async function changedReason(path: string, identity: { dev: number; ino: number }): Promise<string | undefined> {
  try {
    const now = await fs.promises.stat(path);
    if (now.dev !== identity.dev || now.ino !== identity.ino) return `${path} was replaced (device re-enumerated?)`;
    return undefined;
  } catch (e) {
    return `${path} is gone (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
}

async function closeQuietly(fh: FileHandle): Promise<void> {
  try {
    await fh.close();
  } catch {
    // already closed or the device vanished: nothing left to release
  }
}
