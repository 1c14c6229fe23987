// The `garbage` transport fault: what a noisy RS-232 line or a confused printer firmware adds to a ticket.
// Between the device's lines it inserts junk text lines and bursts of binary noise (each ended by CRLF, so
// every real line still arrives whole), and once one very long line (longer than the gateway's default
// 4096-byte line limit) that trickles in without a newline for `longLineSpanS` simulated seconds. The real
// lines due meanwhile are held, like a printer buffer, and follow the long line's CRLF with their own
// printed times; nothing of the cycle is lost, so it must still verify.

import type { Prng } from '../shared/prng.js';
import type { TimedChunk } from './timed-chunk.js';

export interface GarbageOptions {
  /** Mean number of real lines between two junk insertions. Default 25. */
  junkEvery?: number;
  /** Default 6000 bytes. */
  longLineBytes?: number;
  /** Simulated seconds the long line takes to arrive. Default 8. */
  longLineSpanS?: number;
  /** Pieces the long line is sent in. Default 12. */
  longLinePieces?: number;
}

const CRLF = Buffer.from('\r\n', 'latin1');

/** Control and high bytes, without CR/LF (line ends) and XON/XOFF (0x11/0x13, flow control on some ttys). */
const BINARY_BYTES: readonly number[] = Array.from({ length: 256 }, (_, b) => b).filter(
  (b) => (b < 0x20 && ![0x0a, 0x0d, 0x11, 0x13].includes(b)) || b >= 0x7f,
);
const JUNK_CHARS: readonly string[] = [...'!#$%&*+/<>?@[]^_`{|}~'];
const JUNK_WORDS = ['~~~~~~', '*** PAPER LOW ***', '#@!', '%%%%%%%%%%%%%%%%', '?????', '[ESC]', '>>>> PRN BUF 7F <<<<'];

function pick<T>(rng: Prng, xs: readonly T[]): T {
  const x = xs[Math.min(xs.length - 1, Math.floor(rng.next() * xs.length))];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
}

/** One junk line: binary noise or printable rubbish that matches no ticket grammar (it starts with none of its keywords or a digit). */
export function junkLine(rng: Prng): Buffer {
  if (rng.next() < 0.5) {
    const n = rng.int(4, 40);
    return Buffer.concat([Buffer.from(Array.from({ length: n }, () => pick(rng, BINARY_BYTES))), CRLF]);
  }
  const text = rng.next() < 0.4 ? pick(rng, JUNK_WORDS) : Array.from({ length: rng.int(5, 60) }, () => pick(rng, JUNK_CHARS)).join('');
  return Buffer.concat([Buffer.from(text, 'latin1'), CRLF]);
}

export function injectGarbage(chunks: readonly TimedChunk[], rng: Prng, opts: GarbageOptions = {}): TimedChunk[] {
  const junkEvery = opts.junkEvery ?? 25;
  const longBytes = opts.longLineBytes ?? 6000;
  const span = opts.longLineSpanS ?? 8;
  const pieces = Math.max(1, opts.longLinePieces ?? 12);
  const out: TimedChunk[] = [];
  const longAt = chunks.length > 2 ? rng.int(Math.max(1, Math.floor(chunks.length * 0.1)), Math.max(1, Math.floor(chunks.length * 0.3))) : -1;
  let holdUntil = Number.NEGATIVE_INFINITY;
  chunks.forEach((chunk, i) => {
    const atS = Math.max(chunk.atS, holdUntil);
    if (i > 0 && rng.next() < 1 / junkEvery) out.push({ atS, data: junkLine(rng), kind: 'noise' });
    if (i === longAt) {
      const body = Buffer.from(Array.from({ length: longBytes }, () => pick(rng, JUNK_CHARS).charCodeAt(0)));
      const size = Math.ceil(longBytes / pieces);
      for (let k = 0; k * size < longBytes; k++) {
        out.push({ atS: atS + (span * k) / pieces, data: body.subarray(k * size, (k + 1) * size), kind: 'noise' });
      }
      holdUntil = atS + span;
      out.push({ atS: holdUntil, data: CRLF, kind: 'noise' });
    }
    out.push({ ...chunk, atS: Math.max(chunk.atS, holdUntil) });
  });
  return out;
}
