// Where a simulated device's bytes go: a serial port (or PTY) or a TCP "serial device server".
// Policy, as a real printer port: bytes that cannot go out now are dropped, never buffered for later.
// A sterilizer keeps printing whether or not anything is plugged in; with nothing listening (no TCP
// client, serial link down, peer not reading and the OS buffer full) lines are lost and counted.
// Line framing is the caller's: a chunk is dropped or sent whole.

export interface ByteOutput {
  /** E.g. `serial /dev/pts/4 @ 9600` or `tcp 127.0.0.1:4001`. */
  readonly description: string;
  /** Opens or listens. A serial path that cannot be opened yet is retried in the background; a TCP port that cannot be bound throws. */
  start(): Promise<void>;
  /** Sends the chunk now, or drops it (see the file comment). Never throws, never blocks. */
  write(chunk: Buffer): void;
  /** Resolves true once every accepted chunk was handed to the OS (and drained, for a serial port); false if the
   * link went away first (serial), or after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Idempotent. */
  close(): Promise<void>;
  /** Bytes dropped so far. */
  readonly droppedBytes: number;
}

/**
 * Per-destination bytes that may wait in user space before further chunks are dropped (a stalled reader).
 * It bounds memory, and it must hold a catch-up burst: when the simulator's own process stalls (a busy CI
 * machine), every chunk that fell due meanwhile is written at once, and at 1200x a washer prints ~60 KB a
 * simulated-real second. 64 KiB dropped the end of a ticket after a one-second stall; 1 MiB holds ~17 s.
 */
export const DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;

export type OutputLog = (line: string) => void;

/** What a flush's `result` says, or false if it has not said within `timeoutMs` (the timer is cleared either way). */
export async function resultWithin(result: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
