import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FramedItem, LineFramer } from '../../drivers/transport/line-framer.js';

const MAX = 8;

/** Bytes drawn mostly from terminators and a few characters, so CRLF pairs and long lines both occur. */
const stream = fc.array(fc.constantFrom(0x0d, 0x0a, 0x41, 0x42, 0x20, 0xb0, 0x00), { maxLength: 300 }).map((a) => Uint8Array.from(a));

function frame(chunks: Uint8Array[]): { items: FramedItem[]; pending: number } {
  const f = new LineFramer({ maxLineBytes: MAX });
  const items = chunks.flatMap((c) => f.push(c));
  return { items, pending: f.pendingBytes };
}

function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(data.subarray(from, p));
    from = p;
  }
  chunks.push(data.subarray(from));
  return chunks;
}

/** The obvious, non-incremental reading of the same bytes. */
function reference(data: Uint8Array): FramedItem[] {
  const pieces = Buffer.from(data)
    .toString('latin1')
    .split(/\r\n|\r|\n/);
  const tail = pieces.pop() ?? ''; // unterminated: still pending, unless it already overflowed
  const decode = (s: string) => new TextDecoder('utf-8').decode(Buffer.from(s, 'latin1'));
  const items = pieces.map((p): FramedItem => (p.length > MAX ? { kind: 'overflow', head: decode(p.slice(0, MAX)) } : { kind: 'line', text: decode(p) }));
  if (tail.length > MAX) items.push({ kind: 'overflow', head: decode(tail.slice(0, MAX)) });
  return items;
}

describe('LineFramer properties', () => {
  it('any chunking of a byte stream yields the same lines, equal to a one-shot split', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 40 }), (data, cuts) => {
        const whole = frame([data]);
        const chunked = frame(split(data, cuts));
        expect(chunked.items).toEqual(whole.items);
        expect(whole.items).toEqual(reference(data));
      }),
      { numRuns: 500 },
    );
  });

  it('byte-at-a-time equals all-at-once', () => {
    fc.assert(
      fc.property(stream, (data) => {
        const single = frame([...data].map((b) => Uint8Array.of(b)));
        expect(single).toEqual(frame([data]));
      }),
      { numRuns: 200 },
    );
  });
});
