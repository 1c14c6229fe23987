import { describe, expect, it } from 'vitest';
import { AI_TABLE, centuryYear, decodeBarcode, GS, gs1CheckDigit, isValidGtin, parseYymmdd, type Ymd } from '../../drivers/scanner/barcode/index.js';
import { UDI_DECODED, UDI_SCAN } from '../helpers/barcodes.js';

const today: Ymd = { year: 2026, month: 11, day: 27 };
const decode = (text: string) => decodeBarcode(text, { today });

describe('GS1 element strings as scanners send them', () => {
  it('reads a GS1 DataMatrix UDI with AIM identifier and a GS after the lot', () => {
    expect(decode(UDI_SCAN)).toEqual(UDI_DECODED);
  });

  it('strips ]C1, ]Q3, ]e0 and reports them as the symbology', () => {
    for (const aim of [']C1', ']Q3', ']e0', ']J1']) {
      const d = decode(`${aim}0104012345678901${GS}10LOT7`);
      expect(d.symbology).toBe(aim);
      expect(d.fields).toEqual({ gtin: '04012345678901', lot: 'LOT7' });
      expect(d.valid).toBe(true);
    }
  });

  it('tolerates a leading FNC1 (GS), a trailing GS, doubled GS and a trailing CR/LF', () => {
    const d = decode(`${GS}0104012345678901${GS}${GS}10LOT7${GS}\r\n`);
    expect(d.kind).toBe('gs1');
    expect(d.symbology).toBeUndefined();
    expect(d.fields).toEqual({ gtin: '04012345678901', lot: 'LOT7' });
    expect(d.valid).toBe(true);
  });

  it('reads the reference examples, typed with spaces for reading', () => {
    const d = decode(`]d2 0104012345678901 17271231 10LOT123 ${GS} 21SN0001`);
    expect(d.fields).toEqual({ gtin: '04012345678901', expiry: '2027-12-31', lot: 'LOT123', serial: 'SN0001' });
    const spaced = decode(`]d2 01 09506000134352 17 201231 10 ABC123 ${GS} 21 12345`);
    expect(spaced.fields).toEqual({ gtin: '09506000134352', expiry: '2020-12-31', lot: 'ABC123', serial: '12345' });
    expect(spaced.valid).toBe(true);
  });

  it('reads fixed-length AIs back to back without separators, variable ones up to the end', () => {
    const d = decode(']C10104012345678901112501001730040021SN-9/X');
    expect(d.fields).toEqual({ gtin: '04012345678901', productionDate: '2025-01-31', expiry: '2030-04-30', serial: 'SN-9/X' });
  });

  it('reads SSCC, GRAI, GIAI, quantity and company-internal AIs', () => {
    expect(decode(']C100009521234567890120').fields).toEqual({ sscc: '009521234567890120' });
    expect(decode(']C1800309521234000013SER1').fields).toEqual({ grai: '09521234000013SER1' });
    expect(decode(']C180049521234IS000123').fields).toEqual({ giai: '9521234IS000123' });
    expect(decode(`]C1010401234567890130000012${GS}91TRAYSLOT-4`).fields).toEqual({ gtin: '04012345678901', quantity: '000012', ai91: 'TRAYSLOT-4' });
  });

  it('detects a wrong GTIN check digit, keeps the GTIN and says what it should be', () => {
    const d = decode(']d20104012345678902');
    expect(d.kind).toBe('gs1');
    expect(d.valid).toBe(false);
    expect(d.fields.gtin).toBe('04012345678902');
    expect(d.errors).toEqual(['(01) gtin: check digit 2 should be 1']);
  });

  it('detects wrong SSCC and GRAI check digits and a GRAI not starting with 0', () => {
    expect(decode(']C100009521234567890121').errors[0]).toMatch(/sscc: check digit 1 should be 0/);
    expect(decode(']C1800309521234000014').errors[0]).toMatch(/grai: check digit 4 should be 3/);
    expect(decode(']C1800319521234000013').errors[0]).toMatch(/first digit 1 should be 0/);
  });

  it('reports an unknown AI and keeps the unread rest', () => {
    const d = decode(']d20104012345678901' + '7777XYZ');
    expect(d.valid).toBe(false);
    expect(d.fields).toEqual({ gtin: '04012345678901', unparsed: '7777XYZ' });
    expect(d.errors[0]).toMatch(/unknown application identifier at character 17/);
  });

  it('reports truncated fixed values, over-long variable values and bad characters', () => {
    expect(decode(']d2010401234567').errors[0]).toMatch(/\(01\) gtin: expected N14, found 10 characters "0401234567"/);
    expect(decode(`]d210${'A'.repeat(21)}`).errors[0]).toMatch(/\(10\) lot: expected X..20, found 21 characters/);
    expect(decode(']d210AB#C').errors[0]).toMatch(/\(10\) lot: "AB#C" is not X..20/);
    expect(decode(']d217').errors[0]).toMatch(/\(17\) expiry: no value/);
  });

  it('reports the same AI twice with different values', () => {
    const d = decode(`]d210A${GS}10B`);
    expect(d.fields.lot).toBe('A');
    expect(d.errors[0]).toMatch(/appears twice/);
    expect(decode(`]d210A${GS}10A`).valid).toBe(true);
  });

  it('gives "no GS1 data" for an AIM GS1 identifier with nothing after it', () => {
    expect(decode(']d2')).toMatchObject({ kind: 'gs1', valid: false, errors: ['no GS1 data'] });
  });

  it('reads EAN/UPC symbols as a GTIN padded to 14 digits', () => {
    expect(decode(']E04012345678901').fields).toEqual({ gtin: '04012345678901' });
    expect(decode(']E495212340').fields).toEqual({ gtin: '00000095212340' });
    expect(decode(']E04012345678902').errors[0]).toMatch(/check digit 2 should be 1/);
  });

  it('reads a bare element string without AIM identifier when it starts with a key AI', () => {
    expect(decode('010401234567890117271231')).toMatchObject({ kind: 'gs1', valid: true, fields: { gtin: '04012345678901', expiry: '2027-12-31' } });
    expect(decode('0104012345678902')).toMatchObject({ kind: 'gs1', valid: false });
    expect(decode(`0104012345678901${GS}`).kind).toBe('gs1');
  });
});

describe('GS1 bracketed (human-readable) form', () => {
  it('reads the reference HRI example', () => {
    const d = decode('(01)04012345678901(17)271231(10)LOT123(21)SN0001');
    expect(d).toMatchObject({ kind: 'gs1', valid: true, fields: { gtin: '04012345678901', expiry: '2027-12-31', lot: 'LOT123', serial: 'SN0001' } });
    expect(d.symbology).toBeUndefined();
  });

  it('reads sets and assets', () => {
    expect(decode('(01)04012345678901(21)TRAY-0042').fields).toEqual({ gtin: '04012345678901', serial: 'TRAY-0042' });
    expect(decode('(8004)9521234IS000123').fields).toEqual({ giai: '9521234IS000123' });
  });

  it('allows spaces around values, an escaped "(" in a value, and a "(" that opens no AI', () => {
    expect(decode('(01) 04012345678901 (10) A\\(B)').fields).toEqual({ gtin: '04012345678901', lot: 'A(B)' });
    expect(decode('(10)A(B(21)S1').fields).toEqual({ lot: 'A(B', serial: 'S1' });
  });

  it('keeps an unknown AI under ai<code> and marks the code invalid', () => {
    const d = decode('(01)04012345678901(7003)2712311200');
    expect(d.valid).toBe(false);
    expect(d.fields.ai7003).toBe('2712311200');
    expect(d.errors).toEqual(['unknown application identifier (7003)']);
  });

  it('checks lengths in the bracketed form too', () => {
    expect(decode('(01)0401234567890(17)271231').errors[0]).toMatch(/expected N14, found 13/);
    expect(decode(']d2(01)04012345678901').fields).toEqual({ gtin: '04012345678901' });
  });
});

describe('GS1 dates', () => {
  it('reads DD=00 as the last day of the month, leap years included', () => {
    expect(decode('(17)280200').fields.expiry).toBe('2028-02-29');
    expect(decode('(17)270200').fields.expiry).toBe('2027-02-28');
    expect(decode('(17)270400').fields.expiry).toBe('2027-04-30');
    expect(decode('(11)251200').fields.productionDate).toBe('2025-12-31');
  });

  it('rejects month 00 and 13+ and impossible days, without setting the field', () => {
    for (const [yymmdd, reason] of [
      ['270031', 'month 00 is not a month'],
      ['271301', 'month 13 is not a month'],
      ['270230', 'day 30 does not exist in 2027-02'],
      ['270431', 'day 31 does not exist'],
    ]) {
      const d = decode(`(01)04012345678901(17)${yymmdd}`);
      expect(d.valid).toBe(false);
      expect(d.fields.expiry).toBeUndefined();
      expect(d.fields.gtin).toBe('04012345678901');
      expect(d.errors[0]).toContain(reason);
    }
  });

  it('applies the GS1 century window: 49 years back to 50 ahead of the current year', () => {
    expect(centuryYear(76, 2026)).toBe(2076);
    expect(centuryYear(77, 2026)).toBe(1977);
    expect(centuryYear(0, 2026)).toBe(2000);
    expect(centuryYear(49, 2099)).toBe(2149);
    expect(centuryYear(50, 2099)).toBe(2050);
    expect(centuryYear(99, 2001)).toBe(1999);
    expect(centuryYear(51, 2001)).toBe(2051);
    expect(centuryYear(52, 2001)).toBe(1952);
    for (let current = 1990; current < 2200; current += 7) {
      for (let yy = 0; yy < 100; yy++) {
        const y = centuryYear(yy, current);
        expect(y % 100).toBe(yy);
        expect(y - current).toBeGreaterThanOrEqual(-49);
        expect(y - current).toBeLessThanOrEqual(50);
      }
    }
  });

  it('takes the current year from `today`; without it, the window of 2000', () => {
    expect(decodeBarcode('(17)990101', { today: { year: 2060, month: 1, day: 1 } }).fields.expiry).toBe('2099-01-01');
    expect(decodeBarcode('(17)990101').fields.expiry).toBe('1999-01-01');
    expect(decodeBarcode('(17)500101').fields.expiry).toBe('2050-01-01');
  });

  it('parseYymmdd rejects non-digits', () => {
    expect(parseYymmdd('27AB31', 2026)).toEqual({ ok: false, reason: '"27AB31" is not YYMMDD' });
  });
});

describe('GS1 check digits and AI table', () => {
  it('computes check digits of the reference GTINs', () => {
    expect(gs1CheckDigit('0950600013435')).toBe(2);
    expect(gs1CheckDigit('0401234567890')).toBe(1);
    expect(gs1CheckDigit('9521234')).toBe(0);
    for (const gtin of ['95212340', '952123400001' + '3', '4012345678901', '04012345678901']) expect(isValidGtin(gtin)).toBe(true);
    expect(isValidGtin('4012345678902')).toBe(false);
    expect(isValidGtin('123')).toBe(false);
  });

  it('has a prefix-free table with at least the AIs SteriLink relies on', () => {
    for (const ai of ['00', '01', '02', '10', '11', '13', '15', '17', '21', '30', '37', '240', '250', '8003', '8004', '8020'])
      expect(AI_TABLE.has(ai)).toBe(true);
    const codes = [...AI_TABLE.keys()];
    for (const a of codes) for (const b of codes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    for (const def of AI_TABLE.values()) expect(def.fixed !== undefined || def.max !== undefined).toBe(true);
  });
});
