import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBarcode, type Ymd } from '../../drivers/scanner/barcode/index.js';

// The encoders and check computations here are written independently of the decoder (plain
// arithmetic and Date.UTC), so a round trip cannot agree with the decoder by sharing its bugs.

const today: Ymd = { year: 2026, month: 11, day: 27 };
const GS = String.fromCharCode(0x1d);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function mod10(body: string): string {
  let sum = 0;
  [...body].reverse().forEach((d, i) => {
    sum += Number(d) * (i % 2 === 0 ? 3 : 1);
  });
  return String((10 - (sum % 10)) % 10);
}
const HIBC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%';
const mod43 = (data: string): string => HIBC[[...data].reduce((s, ch) => s + HIBC.indexOf(ch), 0) % 43] ?? '?';
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

const SET82 = [...`!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`];
const set82 = (max: number) => fc.array(fc.constantFrom(...SET82), { minLength: 1, maxLength: max }).map((a) => a.join(''));
const gtin = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 13 })
  .map((d) => d.join(''))
  .map((b) => b + mod10(b));

/** A date inside the GS1 century window of 2026 (1977–2076); day 0 = "DD=00". */
const gs1Date = fc
  .record({ year: fc.integer({ min: 1977, max: 2076 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 0, max: 31 }) })
  .filter(({ year, month, day }) => day <= lastDay(year, month))
  .map(({ year, month, day }) => ({
    yymmdd: `${pad(year % 100)}${pad(month)}${pad(day)}`,
    iso: `${year}-${pad(month)}-${pad(day === 0 ? lastDay(year, month) : day)}`,
  }));

const udi = fc.record({
  gtin,
  lot: set82(20),
  serial: set82(20),
  expiry: gs1Date,
  order: fc.shuffledSubarray(['01', '17', '10', '21'], { minLength: 4, maxLength: 4 }),
});

describe('GS1 round trip (property)', () => {
  it('raw element strings with GS after variable values decode to what was encoded', () => {
    fc.assert(
      fc.property(udi, fc.constantFrom(']d2', ']C1', ']Q3', ']e0', '', GS), (u, prefix) => {
        const value: Record<string, string> = { '01': u.gtin, '17': u.expiry.yymmdd, '10': u.lot, '21': u.serial };
        let text = prefix;
        u.order.forEach((ai, i) => {
          text += ai + value[ai];
          if ((ai === '10' || ai === '21') && i < u.order.length - 1) text += GS;
        });
        const d = decodeBarcode(text, { today });
        expect(d.errors).toEqual([]);
        expect(d.kind).toBe('gs1');
        expect(d.fields).toEqual({ gtin: u.gtin, expiry: u.expiry.iso, lot: u.lot, serial: u.serial });
      }),
      { numRuns: 500 },
    );
  });

  it('the bracketed form decodes to what was encoded ("(" in values escaped as "\\(")', () => {
    fc.assert(
      fc.property(udi, (u) => {
        const value: Record<string, string> = { '01': u.gtin, '17': u.expiry.yymmdd, '10': u.lot, '21': u.serial };
        const text = u.order.map((ai) => `(${ai})${(value[ai] ?? '').replace(/\(/g, '\\(')}`).join('');
        const d = decodeBarcode(text, { today });
        expect(d.errors).toEqual([]);
        expect(d.fields).toEqual({ gtin: u.gtin, expiry: u.expiry.iso, lot: u.lot, serial: u.serial });
      }),
      { numRuns: 500 },
    );
  });

  it('any single wrong digit in a GTIN is detected, in both forms', () => {
    fc.assert(
      fc.property(gtin, fc.nat(13), fc.integer({ min: 1, max: 9 }), fc.boolean(), (g, at, delta, bracketed) => {
        const wrong = g.slice(0, at) + String((Number(g[at]) + delta) % 10) + g.slice(at + 1);
        const d = decodeBarcode(bracketed ? `(01)${wrong}(10)L1` : `]d201${wrong}10L1`, { today });
        expect(d.kind).toBe('gs1');
        expect(d.valid).toBe(false);
        expect(d.fields.gtin).toBe(wrong);
        expect(d.errors.some((e) => e.includes('check digit'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

const hibcAlnum = (min: number, max: number) => fc.array(fc.constantFrom(...HIBC.slice(0, 36)), { minLength: min, maxLength: max }).map((a) => a.join(''));
const hibcPrimary = fc.record({
  lic: fc.tuple(fc.constantFrom(...HIBC.slice(10, 36)), hibcAlnum(3, 3)).map(([a, b]) => a + b),
  product: hibcAlnum(1, 18),
  uom: fc.integer({ min: 0, max: 9 }).map(String),
});

describe('HIBC round trip and check character (property)', () => {
  it('concatenated primary + $$ YYMMDD secondary decodes to what was encoded', () => {
    fc.assert(
      fc.property(
        hibcPrimary,
        gs1Date.filter((d) => !d.yymmdd.endsWith('00')),
        hibcAlnum(1, 18),
        (p, exp, lot) => {
          const data = `+${p.lic}${p.product}${p.uom}/$$3${exp.yymmdd}${lot}`;
          const d = decodeBarcode(data + mod43(data), { today });
          expect(d.errors).toEqual([]);
          expect(d.fields).toEqual({ lic: p.lic, product: p.product, unitOfMeasure: p.uom, expiry: exp.iso, lot });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any single changed character is detected by the mod-43 check character', () => {
    fc.assert(
      fc.property(hibcPrimary, fc.nat(), fc.integer({ min: 1, max: 42 }), (p, atSeed, delta) => {
        const data = `+${p.lic}${p.product}${p.uom}`;
        const code = data + mod43(data);
        const at = 1 + (atSeed % (code.length - 1));
        const ch = code[at] ?? '';
        const changed = HIBC[(HIBC.indexOf(ch) + delta) % 43] ?? '';
        const d = decodeBarcode(code.slice(0, at) + changed + code.slice(at + 1), { today });
        // A changed character may turn the scan into something else (a "/" makes it secondary data);
        // it must never come out as the same valid HIBC code.
        expect(d.kind === 'hibc' && d.valid).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeBarcode on arbitrary input (property)', () => {
  const barcodeish = fc.array(fc.constantFrom(...'0123456789()+$/]dCQe:-OPMD\x1d \\<>GSAZaz'), { maxLength: 60 }).map((a) => a.join(''));
  const prefixed = fc.tuple(fc.constantFrom(']d2', ']C1', '+', '(01)', 'CMD:', 'OP:', '+A999', '+$$', ''), barcodeish).map(([a, b]) => a + b);

  it('never throws, keeps the raw text, and is valid exactly when there are no errors', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), barcodeish, prefixed), (text) => {
        const d = decodeBarcode(text, { today });
        expect(['gs1', 'hibc', 'operator', 'command', 'internal', 'unknown']).toContain(d.kind);
        expect(d.raw).toBe(text);
        expect(d.valid).toBe(d.kind !== 'unknown' && d.errors.length === 0);
        for (const v of Object.values(d.fields)) expect(typeof v).toBe('string');
        if (d.fields.expiry !== undefined) expect(d.fields.expiry).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(() => JSON.stringify(d)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });
});
