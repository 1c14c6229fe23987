// Incremental bytes -> text lines. Pure (no I/O, no clock): feed it chunks as they arrive, get the
// complete lines back. A line ends at CR, LF or CRLF (a CRLF split across two chunks is still one
// terminator). Memory is bounded: the pending line lives in one fixed buffer of `maxLineBytes`; a
// longer line is cut, reported once as an `overflow` item carrying its first `maxLineBytes`, and the
// rest of it up to the next terminator is dropped and counted.
//
// Lines are split on bytes before decoding, so the encoding must keep CR and LF as single bytes that
// never occur inside a multi-byte character: ASCII, the single-byte code pages, UTF-8, GB18030,
// Shift_JIS and the like. UTF-16 is refused.

import { TextDecoder } from 'node:util';
import { GatewayError } from '../../vocabulary/errors.js';
import { CR, LF } from './control-bytes.js';
import { FrameBuffer } from './frame-buffer.js';

export const DEFAULT_MAX_LINE_BYTES = 4096;
/** As the config's `encoding` default. For machines printing an 8-bit code page use `latin1` (WHATWG's
 * windows-1252), which decodes every byte, so nothing is lost; invalid UTF-8 becomes U+FFFD. */
export const DEFAULT_LINE_ENCODING = 'utf-8';

export interface LineFramerOptions {
  /** Longest line kept, in bytes (terminator excluded). Default 4096. */
  maxLineBytes?: number;
  /** A TextDecoder label. Default `utf-8`. */
  encoding?: string;
}

export type FramedItem =
  | { kind: 'line'; text: string }
  /** A line longer than `maxLineBytes`; `head` holds its first `maxLineBytes`, the rest was dropped. */
  | { kind: 'overflow'; head: string };

export interface LineFramerStats {
  bytes: number;
  lines: number;
  overflows: number;
  /** Bytes of overflowing lines beyond `maxLineBytes`, discarded. */
  droppedBytes: number;
}

const NOT_ASCII_COMPATIBLE = new Set(['utf-16le', 'utf-16be', 'replacement']);

/** The decoder for `encoding`, or a GatewayError saying why it cannot frame lines. */
export function lineDecoder(encoding: string): TextDecoder {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding);
  } catch (e) {
    throw new GatewayError('device.encoding.unknown', `unknown text encoding "${encoding}"`, { encoding }, { cause: e });
  }
  if (NOT_ASCII_COMPATIBLE.has(decoder.encoding)) {
    throw new GatewayError('device.encoding.unsupported', `encoding "${encoding}" cannot be split into lines byte-wise`, { encoding });
  }
  return decoder;
}

export class LineFramer {
  readonly maxLineBytes: number;
  readonly encoding: string;
  private readonly frame: FrameBuffer;
  /** The previous byte was a CR, so an LF right after it completes the same terminator. */
  private afterCR = false;
  private readonly counts: Omit<LineFramerStats, 'droppedBytes'> = { bytes: 0, lines: 0, overflows: 0 };

  constructor(options: LineFramerOptions = {}) {
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(max) || max < 1) {
      throw new GatewayError('device.framer.max-line', `maxLineBytes must be a positive integer, found ${max}`, { maxLineBytes: max });
    }
    this.maxLineBytes = max;
    const decoder = lineDecoder(options.encoding ?? DEFAULT_LINE_ENCODING);
    this.encoding = decoder.encoding;
    this.frame = new FrameBuffer(max, decoder);
  }

  /** Feed one chunk; returns the lines (and overflow notices) it completed, in stream order. */
  push(chunk: Uint8Array): FramedItem[] {
    const out: FramedItem[] = [];
    const n = chunk.length;
    this.counts.bytes += n;
    let i = 0;
    while (i < n) {
      if (this.afterCR) {
        this.afterCR = false;
        if (chunk[i] === LF) {
          i++;
          continue;
        }
      }
      let j = i;
      while (j < n && chunk[j] !== CR && chunk[j] !== LF) j++;
      const head = this.frame.append(chunk, i, j);
      if (head !== undefined) {
        out.push({ kind: 'overflow', head });
        this.counts.overflows++;
      }
      if (j === n) break;
      this.endLine(out);
      this.afterCR = chunk[j] === CR;
      i = j + 1;
    }
    return out;
  }

  /** Ends the pending partial line (e.g. when the link drops) and returns it; resets the framer. */
  flush(): FramedItem[] {
    const out: FramedItem[] = [];
    if (this.frame.pending > 0) this.endLine(out);
    else this.frame.end();
    this.afterCR = false;
    return out;
  }

  /** Bytes waiting for their terminator. */
  get pendingBytes(): number {
    return this.frame.pending;
  }

  get stats(): Readonly<LineFramerStats> {
    return { ...this.counts, droppedBytes: this.frame.droppedBytes };
  }

  private endLine(out: FramedItem[]): void {
    const text = this.frame.end();
    if (text === undefined) return;
    out.push({ kind: 'line', text });
    this.counts.lines++;
  }
}
