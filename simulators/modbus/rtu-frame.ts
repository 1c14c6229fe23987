// Modbus RTU framing for the simulated slave: CRC-16/MODBUS, and an incremental framer that cuts
// requests out of a byte stream (two frames in one chunk, a frame split across chunks, junk before a
// frame, a corrupt frame). Pure: the serial and TCP front-ends feed it bytes.

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent low byte first. */
export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** unit + PDU + CRC; `badCrc` sends a wrong checksum (fault injection). */
export function encodeRtuFrame(unitId: number, pdu: Buffer, badCrc = false): Buffer {
  const frame = Buffer.alloc(pdu.length + 3);
  frame[0] = unitId;
  pdu.copy(frame, 1);
  const crc = crc16(frame.subarray(0, frame.length - 2));
  frame.writeUInt16LE(badCrc ? crc ^ 0xffff : crc, frame.length - 2);
  return frame;
}

export type RtuFramed =
  | { kind: 'frame'; unitId: number; pdu: Buffer }
  /** Bytes that were not a frame with a good CRC; a slave ignores them (and a master then times out). */
  | { kind: 'discarded'; bytes: number };

const MAX_FRAME = 256;

/** Length of a request by its function code, when the code fixes it; undefined when it does not. */
function requestLength(buf: Buffer): number | 'wait' | undefined {
  const fc = buf[1] as number;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return buf.length < 7 ? 'wait' : 9 + (buf[6] as number);
  return undefined;
}

export class RtuRequestFramer {
  private buf = Buffer.alloc(0);

  /** Frames complete so far. Bytes of an incomplete frame wait for the next push (or flush). */
  push(chunk: Buffer): RtuFramed[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: RtuFramed[] = [];
    let junk = 0;
    while (this.buf.length >= 4) {
      const head = frameAt(this.buf, 0, true);
      if (typeof head === 'number') {
        out.push(...flushJunk(junk), this.take(head));
        junk = 0;
        continue;
      }
      if (head === 'wait') {
        // Maybe the head is junk and a whole request follows it: resynchronise on that one.
        let next = -1;
        for (let i = 1; i + 4 <= this.buf.length && next < 0; i++) if (typeof frameAt(this.buf, i, false) === 'number') next = i;
        if (next < 0) break;
        junk += next;
        this.buf = this.buf.subarray(next);
        continue;
      }
      // Not a frame starting here (junk or a bad CRC): drop one byte and look again.
      this.buf = this.buf.subarray(1);
      junk++;
    }
    out.push(...flushJunk(junk));
    return out;
  }

  /** The line went quiet (the RTU inter-frame gap): what is left is not a frame. */
  flush(): RtuFramed[] {
    const bytes = this.buf.length;
    this.buf = Buffer.alloc(0);
    return bytes > 0 ? [{ kind: 'discarded', bytes }] : [];
  }

  get pending(): number {
    return this.buf.length;
  }

  private take(len: number): RtuFramed {
    const frame = this.buf.subarray(0, len);
    this.buf = this.buf.subarray(len);
    return { kind: 'frame', unitId: frame[0] as number, pdu: Buffer.from(frame.subarray(1, len - 2)) };
  }
}

/** A frame at `at`: its length, 'wait' for more bytes, or 'bad'. Function codes that do not fix the
 * length are found by their CRC (`guess`), which resynchronisation does not trust. */
function frameAt(buf: Buffer, at: number, guess: boolean): number | 'wait' | 'bad' {
  const rest = buf.subarray(at);
  if (rest.length < 4) return 'wait';
  const len = requestLength(rest);
  if (len === 'wait') return 'wait';
  if (len !== undefined) {
    if (rest.length < len) return 'wait';
    return checks(rest, len) ? len : 'bad';
  }
  if (!guess) return 'bad';
  for (let n = 4; n <= Math.min(rest.length, MAX_FRAME); n++) if (checks(rest, n)) return n;
  return rest.length >= MAX_FRAME ? 'bad' : 'wait';
}

function checks(buf: Buffer, len: number): boolean {
  return crc16(buf.subarray(0, len - 2)) === buf.readUInt16LE(len - 2);
}

const flushJunk = (bytes: number): RtuFramed[] => (bytes > 0 ? [{ kind: 'discarded', bytes }] : []);
