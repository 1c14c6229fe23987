import { describe, expect, it } from 'vitest';
import { ScanFramer, type ScanItem } from '../../drivers/scanner/framer.js';
import { isGatewayError } from '../../vocabulary/errors.js';

const GS = '\u001d';
const gs1 = `]d201040123456789011727123110LOT123${GS}21SN0001`;

function feed(framer: ScanFramer, data: string, sizes = [1, 3, 7, 64]): ScanItem[] {
  const bytes = Buffer.from(data, 'utf8');
  const out: ScanItem[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length] ?? 8;
    out.push(...framer.push(bytes.subarray(at, at + n)));
    at += n;
  }
  return out;
}
const codes = (items: ScanItem[]): string[] => items.filter((i) => i.kind === 'code').map((i) => (i as { text: string }).text);

describe('ScanFramer', () => {
  it('auto: CR, LF, CRLF and TAB each end a code; GS and the AIM prefix stay; empty codes are ignored', () => {
    const f = new ScanFramer();
    const items = feed(f, `${gs1}\r\nTRAY-0042\rOP:0127\n\r\n\nCMD:LOAD-END\t]C180049521234IS000123\r\n`);
    expect(codes(items)).toEqual([gs1, 'TRAY-0042', 'OP:0127', 'CMD:LOAD-END', ']C180049521234IS000123']);
    expect(f.stats.codes).toBe(5);
    expect(f.pendingBytes).toBe(0);
  });

  it('a CRLF split across chunks is one suffix', () => {
    const f = new ScanFramer();
    expect(codes([...f.push(Buffer.from('ABC\r')), ...f.push(Buffer.from('\nDEF\r')), ...f.push(Buffer.from('\n'))])).toEqual(['ABC', 'DEF']);
  });

  it('tab: a line break inside a code survives', () => {
    const f = new ScanFramer({ suffix: 'tab' });
    expect(codes(feed(f, 'LINE1\nLINE2\tX\r\n\t'))).toEqual(['LINE1\nLINE2', 'X\r\n']);
  });

  it('crlf: only CR LF ends a code, a lone CR or LF is kept (also at a chunk boundary)', () => {
    const f = new ScanFramer({ suffix: 'crlf' });
    expect(codes(feed(f, 'A\rB\nC\r\nD\r\r\n', [1]))).toEqual(['A\rB\nC', 'D\r']);
  });

  it('cr and lf', () => {
    expect(codes(feed(new ScanFramer({ suffix: 'cr' }), 'A\nB\rC\r'))).toEqual(['A\nB', 'C']);
    expect(codes(feed(new ScanFramer({ suffix: 'lf' }), 'A\rB\nC\n'))).toEqual(['A\rB', 'C']);
  });

  it('an over-long code is reported once with its head and the rest dropped; the next code is whole', () => {
    const f = new ScanFramer({ maxCodeBytes: 16 });
    const items = feed(f, `${'X'.repeat(50)}\r\nSHORT\r\n`);
    expect(items).toEqual([
      { kind: 'overflow', head: 'X'.repeat(16) },
      { kind: 'code', text: 'SHORT' },
    ]);
    expect(f.stats.overflows).toBe(1);
    // exactly maxCodeBytes fits
    expect(codes(feed(f, `${'Y'.repeat(16)}\r`))).toEqual(['Y'.repeat(16)]);
  });

  it('a damaged code comes out as damaged, the next one is clean', () => {
    const f = new ScanFramer();
    f.push(Buffer.from('ABC'));
    f.markDamaged('key 200 is not in the US keymap');
    expect(f.push(Buffer.from('DEF\rGHI\r'))).toEqual([
      { kind: 'damaged', text: 'ABCDEF', reason: 'key 200 is not in the US keymap' },
      { kind: 'code', text: 'GHI' },
    ]);
  });

  it('flush reports a partial code as incomplete and resets', () => {
    const f = new ScanFramer();
    f.push(Buffer.from('0104012345'));
    expect(f.flush()).toEqual([{ kind: 'incomplete', text: '0104012345' }]);
    expect(f.flush()).toEqual([]);
    expect(codes(f.push(Buffer.from('NEXT\r')))).toEqual(['NEXT']);
  });

  it('decodes UTF-8 and latin1', () => {
    expect(codes(new ScanFramer().push(Buffer.from('Ä-1\r', 'utf8')))).toEqual(['Ä-1']);
    expect(codes(new ScanFramer({ encoding: 'latin1' }).push(Buffer.from('Ä-1\r', 'latin1')))).toEqual(['Ä-1']);
  });

  it('refuses bad settings with a GatewayError', () => {
    expect(() => new ScanFramer({ suffix: 'semicolon' as never })).toThrow(/suffix/);
    expect(() => new ScanFramer({ maxCodeBytes: 0 })).toThrow(/maxCodeBytes/);
    try {
      new ScanFramer({ encoding: 'utf-16le' });
      expect.unreachable();
    } catch (e) {
      expect(isGatewayError(e, 'device.encoding')).toBe(true);
    }
  });
});
