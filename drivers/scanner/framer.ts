// Incremental bytes -> scanned codes. Pure (no I/O, no clock). A barcode scanner sends each code followed
// by its configured suffix: CR, LF, CRLF or TAB. The framer cuts the stream at that suffix, strips it and
// hands back the code exactly as the scanner sent it: an AIM identifier (`]d2`) and GS (0x1D) group
// separators stay where they are; decoding the code is the gateway's job (barcode/).
//
// - `suffix: 'auto'` (default): any CR, LF or TAB ends a code, so CRLF works too (the empty code between
//   CR and LF is ignored, as every empty code is).
// - `cr` | `lf` | `tab`: only that byte ends a code; other control bytes are kept in the code (so a QR code
//   holding a line break survives a scanner set to a TAB suffix). `crlf`: only CR followed by LF ends a
//   code; a lone CR or LF is kept.
// Memory is bounded: a code longer than `maxCodeBytes` is cut, reported once as `overflow` (with its
// first bytes) and the rest of it, up to the next suffix, is dropped. A code the byte source marked as
// damaged (markDamaged: a key the keyboard-wedge decoder could not type) comes out as `damaged`, never
// as a code with a hole in it.

import { GatewayError } from '../../vocabulary/errors.js';
import { CR, LF, TAB } from '../transport/control-bytes.js';
import { FrameBuffer } from '../transport/frame-buffer.js';
import { lineDecoder } from '../transport/line-framer.js';

export const SCAN_SUFFIXES = ['auto', 'cr', 'lf', 'crlf', 'tab'] as const;
export type ScanSuffix = (typeof SCAN_SUFFIXES)[number];

/** As the gateway's MAX_SCAN_LENGTH: more than any DataMatrix or QR code holds. */
export const DEFAULT_MAX_CODE_BYTES = 4096;

export interface ScanFramerOptions {
  /** Default `auto`. */
  suffix?: ScanSuffix;
  /** Default 4096. */
  maxCodeBytes?: number;
  /** A TextDecoder label; default `utf-8` (see line-framer.ts for what can be split byte-wise). */
  encoding?: string;
}

export type ScanItem =
  | { kind: 'code'; text: string }
  /** Longer than maxCodeBytes: `head` holds the first maxCodeBytes, the rest was dropped. */
  | { kind: 'overflow'; head: string }
  /** Bytes were lost inside this code (`reason` says why); `text` is what did arrive. */
  | { kind: 'damaged'; text: string; reason: string }
  /** Cut by flush() before its suffix arrived (the link dropped mid-code). */
  | { kind: 'incomplete'; text: string };

export interface ScanFramerStats {
  bytes: number;
  codes: number;
  overflows: number;
  damaged: number;
  incomplete: number;
}

export function isScanSuffix(x: unknown): x is ScanSuffix {
  return typeof x === 'string' && (SCAN_SUFFIXES as readonly string[]).includes(x);
}

export class ScanFramer {
  readonly suffix: ScanSuffix;
  readonly maxCodeBytes: number;
  readonly encoding: string;
  private readonly frame: FrameBuffer;
  /** `crlf` only: the last byte kept was a CR that may start the suffix. */
  private pendingCR = false;
  private damage: string | undefined;
  private readonly counts: ScanFramerStats = { bytes: 0, codes: 0, overflows: 0, damaged: 0, incomplete: 0 };

  constructor(options: ScanFramerOptions = {}) {
    const suffix = options.suffix ?? 'auto';
    if (!isScanSuffix(suffix)) {
      throw new GatewayError('device.scanner.suffix', `scanner suffix must be one of ${SCAN_SUFFIXES.join(', ')}, found "${String(suffix)}"`, { suffix });
    }
    const max = options.maxCodeBytes ?? DEFAULT_MAX_CODE_BYTES;
    if (!Number.isInteger(max) || max < 1) {
      throw new GatewayError('device.scanner.max-code', `maxCodeBytes must be a positive integer, found ${max}`, { maxCodeBytes: max });
    }
    this.suffix = suffix;
    this.maxCodeBytes = max;
    const decoder = lineDecoder(options.encoding ?? 'utf-8');
    this.encoding = decoder.encoding;
    this.frame = new FrameBuffer(max, decoder);
  }

  /** Feed one chunk; returns the codes (and problems) it completed, in stream order. */
  push(chunk: Uint8Array): ScanItem[] {
    const out: ScanItem[] = [];
    this.counts.bytes += chunk.length;
    for (const byte of chunk) {
      if (this.suffix === 'crlf') {
        if (this.pendingCR) {
          this.pendingCR = false;
          if (byte === LF) {
            this.end(out);
            continue;
          }
          this.keep(CR, out);
        }
        if (byte === CR) {
          this.pendingCR = true;
          continue;
        }
        this.keep(byte, out);
        continue;
      }
      if (this.ends(byte)) this.end(out);
      else this.keep(byte, out);
    }
    return out;
  }

  /** Marks the code being received as damaged: when it ends it comes out as `damaged` with this reason. */
  markDamaged(reason: string): void {
    this.damage ??= reason;
  }

  /** Ends the pending partial code (the link dropped) as `incomplete`, and resets the framer. */
  flush(): ScanItem[] {
    const out: ScanItem[] = [];
    if (this.pendingCR) this.keep(CR, out);
    const had = this.frame.pending > 0;
    const text = this.frame.end();
    if (had && text !== undefined) {
      out.push({ kind: 'incomplete', text });
      this.counts.incomplete++;
    }
    this.pendingCR = false;
    this.damage = undefined;
    return out;
  }

  get pendingBytes(): number {
    return this.frame.pending + (this.pendingCR ? 1 : 0);
  }

  get stats(): Readonly<ScanFramerStats> {
    return { ...this.counts };
  }

  private ends(byte: number): boolean {
    switch (this.suffix) {
      case 'auto':
        return byte === CR || byte === LF || byte === TAB;
      case 'cr':
        return byte === CR;
      case 'lf':
        return byte === LF;
      case 'tab':
        return byte === TAB;
      default:
        return false;
    }
  }

  private keep(byte: number, out: ScanItem[]): void {
    const head = this.frame.append(Uint8Array.of(byte));
    if (head === undefined) return;
    out.push({ kind: 'overflow', head });
    this.counts.overflows++;
  }

  private end(out: ScanItem[]): void {
    const damage = this.damage;
    this.damage = undefined;
    const text = this.frame.end();
    if (text === undefined) return; // it overflowed: reported already
    if (damage !== undefined) {
      out.push({ kind: 'damaged', text, reason: damage });
      this.counts.damaged++;
      return;
    }
    if (text.length === 0) return;
    out.push({ kind: 'code', text });
    this.counts.codes++;
  }
}
