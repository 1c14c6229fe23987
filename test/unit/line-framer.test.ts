import { describe, expect, it } from 'vitest';
import { type FramedItem, LineFramer } from '../../drivers/transport/line-framer.js';
import { isGatewayError } from '../../vocabulary/errors.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const lines = (items: FramedItem[]) => items.map((i) => (i.kind === 'line' ? i.text : `<overflow:${i.head}>`));

describe('LineFramer', () => {
  it('ends lines at LF, CR and CRLF alike', () => {
    const f = new LineFramer();
    expect(lines(f.push(bytes('a\nb\rc\r\nd')))).toEqual(['a', 'b', 'c']);
    expect(f.pendingBytes).toBe(1);
  });

  it('returns two lines from one chunk and joins a line split over chunks', () => {
    const f = new LineFramer();
    expect(lines(f.push(bytes('08:02:11  START')))).toEqual([]);
    expect(lines(f.push(bytes('  96.3  -1.0\nRESULT: CYCLE OK\nnext')))).toEqual(['08:02:11  START  96.3  -1.0', 'RESULT: CYCLE OK']);
    expect(lines(f.push(bytes(' part\n')))).toEqual(['next part']);
  });

  it('treats a CRLF split between two chunks as one terminator', () => {
    const f = new LineFramer();
    expect(lines(f.push(bytes('one\r')))).toEqual(['one']);
    expect(lines(f.push(bytes('\ntwo\r')))).toEqual(['two']);
    expect(lines(f.push(bytes('\n')))).toEqual([]);
    expect(f.stats.lines).toBe(2);
  });

  it('keeps empty lines between terminators (CR CR, LF LF, LF CR)', () => {
    const f = new LineFramer();
    expect(lines(f.push(bytes('a\r\rb\n\nc\n\rd\n')))).toEqual(['a', '', 'b', '', 'c', '', 'd']);
  });

  it('cuts a line longer than maxLineBytes, reports it once, drops the rest and goes on', () => {
    const f = new LineFramer({ maxLineBytes: 8 });
    const out = [...f.push(bytes('12345678\n123456789ABC')), ...f.push(bytes('DEFGH')), ...f.push(bytes('IJ\nok\n'))];
    expect(lines(out)).toEqual(['12345678', '<overflow:12345678>', 'ok']);
    expect(f.stats).toEqual({ bytes: 32, lines: 2, overflows: 1, droppedBytes: 11 });
  });

  it('holds memory flat on a never-ending line', () => {
    const f = new LineFramer({ maxLineBytes: 64 });
    const junk = Buffer.alloc(1024, 0x5a);
    let overflows = 0;
    for (let i = 0; i < 1000; i++) overflows += f.push(junk).length;
    expect(overflows).toBe(1);
    expect(f.pendingBytes).toBe(0);
    expect(f.stats.droppedBytes).toBe(1024 * 1000 - 64);
    expect(lines(f.push(bytes('\nRESULT: CYCLE OK\n')))).toEqual(['RESULT: CYCLE OK']);
  });

  it('decodes UTF-8 by default and other encodings on request', () => {
    expect(new LineFramer().encoding).toBe('utf-8');
    expect(lines(new LineFramer().push(Buffer.from('T °C\n', 'utf8')))).toEqual(['T °C']);
    expect(lines(new LineFramer().push(Buffer.from([0x54, 0x20, 0xb0, 0x43, 0x0a])))).toEqual(['T \ufffdC']);
    const latin1 = new LineFramer({ encoding: 'latin1' });
    expect(latin1.encoding).toBe('windows-1252');
    expect(lines(latin1.push(Buffer.from([0x54, 0x20, 0xb0, 0x43, 0x0a])))).toEqual(['T °C']);
    const gb = Buffer.from([0xc3, 0xf0, 0xbe, 0xfa, 0x0a]); // "灭菌" in GB18030
    expect(lines(new LineFramer({ encoding: 'gb18030' }).push(gb))).toEqual(['灭菌']);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const f = new LineFramer({ encoding: 'utf-8' });
    const all = Buffer.from('134 °C\n', 'utf8');
    expect(lines(f.push(all.subarray(0, 5)))).toEqual([]);
    expect(lines(f.push(all.subarray(5)))).toEqual(['134 °C']);
  });

  it('refuses unknown and non-ASCII-compatible encodings and silly limits', () => {
    expect(() => new LineFramer({ encoding: 'klingon' })).toThrow(/unknown text encoding/);
    expect(() => new LineFramer({ encoding: 'utf-16le' })).toThrow(/byte-wise/);
    let thrown: unknown;
    try {
      new LineFramer({ maxLineBytes: 0 });
    } catch (e) {
      thrown = e;
    }
    expect(isGatewayError(thrown, 'device.framer')).toBe(true);
  });

  it('flush() hands back the partial line and resets', () => {
    const f = new LineFramer({ maxLineBytes: 4 });
    f.push(bytes('abc'));
    expect(lines(f.flush())).toEqual(['abc']);
    expect(lines(f.flush())).toEqual([]);
    f.push(bytes('abcdefg'));
    expect(lines(f.flush())).toEqual([]);
    expect(lines(f.push(bytes('xy\n')))).toEqual(['xy']);
  });
});
