// Linux `struct input_event` records, as read from /dev/input/eventN. Pure: bytes in, records out.
//
//   struct input_event { struct timeval time; __u16 type; __u16 code; __s32 value; };
//
// The timeval is two C longs, so the record is 24 bytes for a 64-bit process (x64, arm64: 2 × int64)
// and 16 bytes for a 32-bit one (32-bit Raspberry Pi OS on armv7, i386: 2 × int32), in the machine's
// byte order (little-endian on every platform the gateway runs on). The kernel writes the layout of the
// process that reads, even a 32-bit userland on a 64-bit kernel, so process.arch decides; `layout`
// overrides it (e.g. a capture made on another machine).

export const EV_SYN = 0x00;
export const EV_KEY = 0x01;
export const EV_MSC = 0x04;
export const EV_LED = 0x11;
export const EV_REP = 0x14;
/** EV_SYN code: the kernel's buffer overran and events were lost. */
export const SYN_DROPPED = 3;

/** EV_KEY values. */
export const KEY_RELEASE = 0;
export const KEY_PRESS = 1;
export const KEY_AUTOREPEAT = 2;

/** Record size in bytes: 24 (64-bit time fields) or 16 (32-bit). */
export type InputEventLayout = 16 | 24;

export interface InputEvent {
  /** Kernel time stamp of the event: seconds and microseconds. */
  sec: number;
  usec: number;
  type: number;
  code: number;
  value: number;
}

const ARCHES_32 = new Set(['arm', 'ia32', 'mips', 'mipsel', 'ppc', 's390']);

/** The record size for a process of this architecture (`process.arch` by default). */
export function inputEventLayoutFor(arch: string = process.arch): InputEventLayout {
  return ARCHES_32.has(arch) ? 16 : 24;
}

export function isInputEventLayout(x: unknown): x is InputEventLayout {
  return x === 16 || x === 24;
}

/** One record from `buf` at `offset` (which must hold `layout` bytes). */
export function readInputEvent(buf: Uint8Array, offset: number, layout: InputEventLayout): InputEvent {
  const view = new DataView(buf.buffer, buf.byteOffset + offset, layout);
  const wide = layout === 24;
  const sec = wide ? Number(view.getBigInt64(0, true)) : view.getInt32(0, true);
  const usec = wide ? Number(view.getBigInt64(8, true)) : view.getInt32(4, true);
  const at = wide ? 16 : 8;
  return { sec, usec, type: view.getUint16(at, true), code: view.getUint16(at + 2, true), value: view.getInt32(at + 4, true) };
}

/** Incremental decoder: a record may arrive split across reads. Keeps at most one partial record. */
export class InputEventDecoder {
  readonly layout: InputEventLayout;
  private readonly partial: Buffer;
  private partialLen = 0;
  private count = 0;

  constructor(layout: InputEventLayout = inputEventLayoutFor()) {
    this.layout = layout;
    this.partial = Buffer.alloc(layout);
  }

  push(chunk: Uint8Array): InputEvent[] {
    const out: InputEvent[] = [];
    let i = 0;
    if (this.partialLen > 0) {
      const take = Math.min(this.layout - this.partialLen, chunk.length);
      this.partial.set(chunk.subarray(0, take), this.partialLen);
      this.partialLen += take;
      i = take;
      if (this.partialLen < this.layout) return out;
      out.push(readInputEvent(this.partial, 0, this.layout));
      this.partialLen = 0;
    }
    for (; i + this.layout <= chunk.length; i += this.layout) out.push(readInputEvent(chunk, i, this.layout));
    if (i < chunk.length) {
      this.partial.set(chunk.subarray(i), 0);
      this.partialLen = chunk.length - i;
    }
    this.count += out.length;
    return out;
  }

  /** Drops a partial record (the device was reopened: a new stream starts on a record boundary). */
  reset(): void {
    this.partialLen = 0;
  }

  get records(): number {
    return this.count;
  }

  get pendingBytes(): number {
    return this.partialLen;
  }
}
