// What a simulated Modbus device answers to one request PDU (function code + data), framing aside:
// functions 3 (holding registers) and 4 (input registers) over the device's register image, exception
// responses for everything else. Pure.

export const EXCEPTION = { illegalFunction: 1, illegalAddress: 2, illegalValue: 3, deviceFailure: 4, busy: 6 } as const;

/** Register values by address; undefined = no such register. The simulated devices serve one image on
 * both functions (input registers per the default map, docs/devices.md, mirrored as holding registers for maps that use 3). */
export type RegisterReader = (fn: 3 | 4, address: number) => number | undefined;

export function exceptionPdu(functionCode: number, exceptionCode: number): Buffer {
  return Buffer.from([(functionCode | 0x80) & 0xff, exceptionCode]);
}

/** The response PDU to `pdu`. */
export function answerPdu(pdu: Buffer, read: RegisterReader): Buffer {
  const fc = pdu[0] ?? 0;
  if (fc !== 3 && fc !== 4) return exceptionPdu(fc, EXCEPTION.illegalFunction);
  if (pdu.length !== 5) return exceptionPdu(fc, EXCEPTION.illegalValue);
  const address = pdu.readUInt16BE(1);
  const count = pdu.readUInt16BE(3);
  if (count < 1 || count > 125) return exceptionPdu(fc, EXCEPTION.illegalValue);
  const out = Buffer.alloc(2 + count * 2);
  out[0] = fc;
  out[1] = count * 2;
  for (let i = 0; i < count; i++) {
    const value = read(fc, address + i);
    if (value === undefined) return exceptionPdu(fc, EXCEPTION.illegalAddress);
    out.writeUInt16BE(value & 0xffff, 2 + i * 2);
  }
  return out;
}

/** `fc 4 @0 ×14` for logs. */
export function describePdu(pdu: Buffer): string {
  const fc = pdu[0] ?? 0;
  if (pdu.length >= 5) return `fc ${fc} @${pdu.readUInt16BE(1)} ×${pdu.readUInt16BE(3)}`;
  return `fc ${fc}`;
}
