import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerPdu } from '../../simulators/modbus/pdu.js';
import { crc16, encodeRtuFrame, type RtuFramed, RtuRequestFramer } from '../../simulators/modbus/rtu-frame.js';

const request = (unit: number, fc: number, addr: number, count: number): Buffer => {
  const pdu = Buffer.alloc(5);
  pdu[0] = fc;
  pdu.writeUInt16BE(addr, 1);
  pdu.writeUInt16BE(count, 3);
  return encodeRtuFrame(unit, pdu);
};
const frames = (items: RtuFramed[]) => items.filter((i) => i.kind === 'frame');

describe('RTU framing (simulated slave)', () => {
  it('computes the Modbus CRC (01 04 00 00 00 0E -> 71 CE)', () => {
    expect(request(1, 4, 0, 14).toString('hex')).toBe('01040000000e71ce');
    expect(crc16(Buffer.from('123456789'))).toBe(0x4b37);
  });

  it('cuts frames out of any chunking, skipping junk and corrupt frames', () => {
    const good = [request(1, 4, 0, 14), request(2, 3, 100, 2), request(7, 4, 10, 1)];
    const bad = Buffer.from(request(3, 4, 0, 14));
    bad[7] = (bad[7] as number) ^ 0xff;
    const stream = Buffer.concat([Buffer.from([0x00, 0xff, 0x13]), good[0] as Buffer, bad, good[1] as Buffer, Buffer.from([0x55]), good[2] as Buffer]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        const framer = new RtuRequestFramer();
        const out: RtuFramed[] = [];
        for (let at = 0, i = 0; at < stream.length; i++) {
          const n = sizes[i % sizes.length] as number;
          out.push(...framer.push(stream.subarray(at, at + n)));
          at += n;
        }
        out.push(...framer.flush());
        expect(frames(out).map((f) => f.kind === 'frame' && `${f.unitId}:${f.pdu.toString('hex')}`)).toEqual(['1:040000000e', '2:0300640002', '7:04000a0001']);
        expect(out.filter((i) => i.kind === 'discarded').reduce((n, i) => n + (i.kind === 'discarded' ? i.bytes : 0), 0)).toBe(3 + 8 + 1);
      }),
    );
  });

  it('answers reads from the register image and exceptions for the rest', () => {
    const read = (_fn: 3 | 4, a: number) => (a < 14 ? a * 10 : undefined);
    expect(answerPdu(Buffer.from('0400000002', 'hex'), read).toString('hex')).toBe('0404' + '0000' + '000a');
    expect(answerPdu(Buffer.from('0400000010', 'hex'), read).toString('hex')).toBe('8402');
    expect(answerPdu(Buffer.from('040000007e', 'hex'), read).toString('hex')).toBe('8403');
    expect(answerPdu(Buffer.from('0600000001', 'hex'), read).toString('hex')).toBe('8601');
  });
});
