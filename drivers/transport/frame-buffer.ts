// The frame a byte-stream framer is receiving (a printer line, a scanned code): one fixed buffer of `max`
// bytes, so memory stays bounded. A frame longer than that is cut: the append that overflows it hands back
// its head (the first `max` bytes, decoded) once, and the rest of it is dropped, and counted, until it ends.
// Pure: no I/O, no clock.

import type { TextDecoder } from 'node:util';

export class FrameBuffer {
  readonly max: number;
  private readonly decoder: TextDecoder;
  private readonly buf: Buffer;
  private len = 0;
  /** Inside a frame that already overflowed: its bytes are dropped until it ends. */
  private skipping = false;
  /** Bytes of overflowing frames beyond `max`, discarded. */
  droppedBytes = 0;

  /** `max` is a positive integer (the framer checks it and names its own setting); `decoder` decodes the frames. */
  constructor(max: number, decoder: TextDecoder) {
    this.max = max;
    this.decoder = decoder;
    this.buf = Buffer.alloc(max);
  }

  /** Bytes of the frame so far. */
  get pending(): number {
    return this.len;
  }

  /** Adds bytes `from`..`to` of `chunk`; returns the frame's head when they made it overflow, else undefined. */
  append(chunk: Uint8Array, from = 0, to = chunk.length): string | undefined {
    const count = to - from;
    if (count === 0) return undefined;
    if (this.skipping) {
      this.droppedBytes += count;
      return undefined;
    }
    const room = this.max - this.len;
    if (count <= room) {
      this.buf.set(chunk.subarray(from, to), this.len);
      this.len += count;
      return undefined;
    }
    this.buf.set(chunk.subarray(from, from + room), this.len);
    this.droppedBytes += count - room;
    this.len = 0;
    this.skipping = true;
    return this.decoder.decode(this.buf);
  }

  /** Ends the frame: its text, or undefined when it overflowed (its head was handed back already). */
  end(): string | undefined {
    const text = this.skipping ? undefined : this.decoder.decode(this.buf.subarray(0, this.len));
    this.len = 0;
    this.skipping = false;
    return text;
  }
}
