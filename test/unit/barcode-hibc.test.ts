import { describe, expect, it } from 'vitest';
import { decodeBarcode, hibcCheckCharacter, parseHibc, type Ymd } from '../../drivers/scanner/barcode/index.js';

const today: Ymd = { year: 2026, month: 11, day: 27 };
const decode = (text: string) => decodeBarcode(text, { today });
const ctx = { currentYear: 2026 };

// Check characters below were worked out by hand from the HIBC table (0–9, A–Z = 10–35, - . space $ / + % = 36–42):
// "+A99912345": 41 + 10 + 27 + 15 = 93, 93 mod 43 = 7 -> "7".

describe('HIBC check character', () => {
  it('is the mod-43 sum from the leading +', () => {
    expect(hibcCheckCharacter('+A99912345')).toBe('7');
    expect(hibcCheckCharacter('+H123PROBE50')).toBe('+');
    expect(hibcCheckCharacter('+a99912345')).toBeUndefined();
  });
});

describe('HIBC primary data', () => {
  it('reads LIC, product and unit of measure with a correct check character', () => {
    expect(decode('+A999123457')).toEqual({
      kind: 'hibc',
      valid: true,
      errors: [],
      raw: '+A999123457',
      fields: { lic: 'A999', product: '1234', unitOfMeasure: '5' },
    });
  });

  it('detects a wrong check character and says which is right', () => {
    const d = decode('+A999123458');
    expect(d).toMatchObject({ kind: 'hibc', valid: false, fields: { lic: 'A999', product: '1234', unitOfMeasure: '5' } });
    expect(d.errors).toEqual(['check character "8" should be "7"']);
  });

  it('accepts a check character that is itself "+", and the Code 39 HRI form *…*', () => {
    expect(decode('+H123PROBE50+')).toMatchObject({ valid: true, fields: { lic: 'H123', product: 'PROBE5', unitOfMeasure: '0' } });
    expect(decode('*+A999123457*')).toMatchObject({ kind: 'hibc', valid: true, fields: { lic: 'A999' } });
  });

  it('keeps a trailing space: it can be the check character (CR/LF after it are dropped)', () => {
    expect(hibcCheckCharacter('+CMVJEO40')).toBe(' ');
    expect(decode('+CMVJEO40 \r\n')).toMatchObject({ kind: 'hibc', valid: true, fields: { lic: 'CMVJ', product: 'EO4', unitOfMeasure: '0' } });
    expect(decode('+CMVJEO40')).toMatchObject({ kind: 'hibc', valid: false, errors: ['check character "0" should be " "'] });
  });

  it('keeps an AIM identifier (e.g. ]C0 Code 128) as the symbology', () => {
    expect(decode(']C0+A999123457')).toMatchObject({ kind: 'hibc', valid: true, symbology: ']C0' });
  });

  it('rejects a LIC not starting with a letter, a missing unit of measure, lowercase', () => {
    expect(parseHibc('+A99912345X' + hibcCheckCharacter('+A99912345X'), ctx).errors[0]).toMatch(/primary data/);
    const lower = decode('+a999123457');
    expect(lower.kind).toBe('hibc');
    expect(lower.valid).toBe(false);
    expect(lower.errors[0]).toMatch(/outside the HIBC set/);
  });
});

describe('HIBC secondary and concatenated data', () => {
  const withCheck = (data: string): string => data + (hibcCheckCharacter(data) ?? '?');

  it('reads concatenated primary/secondary with $$ + YYMMDD expiry and lot (check by hand: "9")', () => {
    expect(decode('+A99912345/$$3271231LOT429')).toMatchObject({
      kind: 'hibc',
      valid: true,
      fields: { lic: 'A999', product: '1234', unitOfMeasure: '5', expiry: '2027-12-31', lot: 'LOT42' },
    });
    expect(decode('+A99912345/$$3271231LOT42X')).toMatchObject({ valid: false, errors: ['check character "X" should be "9"'] });
  });

  it('reads every $$ date format', () => {
    const cases: Array<[string, string, Record<string, string>]> = [
      ['$$1227LOT42', 'MMYY -> last day', { expiry: '2027-12-31', lot: 'LOT42' }],
      ['$$0228LOT42', 'MMYY leap', { expiry: '2028-02-29', lot: 'LOT42' }],
      ['$$2123127LOT42', 'MMDDYY', { expiry: '2027-12-31', lot: 'LOT42' }],
      ['$$3271231LOT42', 'YYMMDD', { expiry: '2027-12-31', lot: 'LOT42' }],
      ['$$427123114LOT42', 'YYMMDDHH', { expiry: '2027-12-31', expiryHour: '14', lot: 'LOT42' }],
      ['$$527365LOT42', 'YYJJJ', { expiry: '2027-12-31', lot: 'LOT42' }],
      ['$$62836608LOT42', 'YYJJJHH leap', { expiry: '2028-12-31', expiryHour: '08', lot: 'LOT42' }],
      ['$$7LOT42', 'no date', { lot: 'LOT42' }],
      ['$$8103271231LOT42', 'quantity 2 + YYMMDD', { quantity: '10', expiry: '2027-12-31', lot: 'LOT42' }],
      ['$$9001001227LOT42', 'quantity 5 + MMYY', { quantity: '100', expiry: '2027-12-31', lot: 'LOT42' }],
      ['$$+3271231SN001', 'serial', { expiry: '2027-12-31', serial: 'SN001' }],
      ['$LOT42', 'lot only', { lot: 'LOT42' }],
      ['$+SN001', 'serial only', { serial: 'SN001' }],
      ['27001LOT', 'old Julian', { expiry: '2027-01-01', lot: 'LOT' }],
    ];
    for (const [secondary, name, fields] of cases) {
      const d = decode(withCheck(`+A99912345/${secondary}`));
      expect({ name, valid: d.valid, errors: d.errors }).toEqual({ name, valid: true, errors: [] });
      expect(d.fields).toEqual({ lic: 'A999', product: '1234', unitOfMeasure: '5', ...fields });
    }
  });

  it('reads supplemental /S serial, /16D production date and /14D expiry', () => {
    const d = decode('+A99912345/$$3271231LOT42/S77DE1G45/16D202501010');
    expect(d).toMatchObject({ valid: true, fields: { lot: 'LOT42', serial: '77DE1G45', productionDate: '2025-01-01', expiry: '2027-12-31' } });
    expect(decode(withCheck('+A99912345/$$7LOT42/14D20271200')).fields.expiry).toBe('2027-12-31');
    expect(decode(withCheck('+A99912345/$$7LOT42/XYZ')).errors).toEqual(['supplemental data "/XYZ" is not /S, /14D, /16D or /Q']);
  });

  it('reads a standalone secondary and its link character (check by hand: "A")', () => {
    expect(decode('+$$3271231LOT427A')).toMatchObject({ kind: 'hibc', valid: true, fields: { expiry: '2027-12-31', lot: 'LOT42', link: '7' } });
  });

  it('rejects month 00 / 13, impossible Julian days, bad format flags; keeps the lot', () => {
    for (const [secondary, reason] of [
      ['$$3270031LOT', 'month 00'],
      ['$$1327LOT', 'month 13'],
      ['$$527366LOT', 'day 366 does not exist in 2027'],
      ['$$A123', 'date format "A"'],
    ]) {
      const d = decode(withCheck(`+A99912345/${secondary}`));
      expect(d.valid).toBe(false);
      expect(d.fields.expiry).toBeUndefined();
      expect(d.errors.join('; ')).toContain(reason);
    }
    expect(decode(withCheck('+A99912345/$$3270031LOT')).fields.lot).toBe('LOT');
  });

  it('does not read HIBC provider (PAS) data but says so', () => {
    expect(decode(withCheck('+/ABC'))).toMatchObject({ kind: 'hibc', valid: false, errors: ['HIBC provider data (PAS, "+/") is not read'] });
  });
});
