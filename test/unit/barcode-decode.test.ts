import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/commands/command.js';
import { DECODE_BARCODE_USAGE, decodeBarcodeCommand } from '../../cli/commands/decode-barcode.js';
import {
  type CommandSet,
  DEFAULT_COMMAND_NAMES,
  DEFAULT_COMMAND_SET,
  decodeBarcode,
  GS,
  isExpired,
  showControlCharacters,
  unescapeGs,
  type Ymd,
} from '../../drivers/scanner/barcode/index.js';
import { STATION_COMMANDS } from '../../gateway/load/load-assembler.js';
import { UDI_DECODED } from '../helpers/barcodes.js';

const today: Ymd = { year: 2026, month: 11, day: 27 };
const decode = (text: string) => decodeBarcode(text, { today });

describe('commands and operator badges', () => {
  it('reads every default command and a badge', () => {
    for (const name of ['CI-PASS', 'CI-FAIL', 'CI5-PASS', 'CI5-FAIL', 'BD-PASS', 'BD-FAIL', 'EARLY-RELEASE', 'CANCEL', 'LOAD-END', 'BI-CONTROL', 'IMPLANT']) {
      expect(decode(`CMD:${name}`)).toEqual({ kind: 'command', valid: true, fields: { command: name }, errors: [], raw: `CMD:${name}` });
    }
    expect(decode('OP:N1234')).toEqual({ kind: 'operator', valid: true, fields: { operator: 'N1234' }, errors: [], raw: 'OP:N1234' });
  });

  it('records an unknown command and an empty or odd badge as invalid, not dropped', () => {
    expect(decode('CMD:SELF-DESTRUCT')).toMatchObject({ kind: 'command', valid: false, fields: { command: 'SELF-DESTRUCT' } });
    expect(decode('OP:')).toMatchObject({ kind: 'operator', valid: false, fields: { operator: '' } });
    expect(decode('OP:a b')).toMatchObject({ kind: 'operator', valid: false });
  });

  it('uses a site command set: existing printed codes mapped to commands', () => {
    const commands: CommandSet = { operatorPrefix: 'BADGE', operatorId: /^\d{6}$/, commands: { '99000001': 'LOAD-END', '99000002': 'CANCEL' } };
    expect(decodeBarcode('99000001', { commands })).toMatchObject({ kind: 'command', valid: true, fields: { command: 'LOAD-END' } });
    expect(decodeBarcode('BADGE004711', { commands })).toMatchObject({ kind: 'operator', valid: true, fields: { operator: '004711' } });
    // Without a command prefix, CMD:… is no longer a command; it is not an internal code either (":").
    expect(decodeBarcode('CMD:LOAD-END', { commands }).kind).toBe('unknown');
    expect(decodeBarcode('CMD:LOAD-END', { commands: { ...DEFAULT_COMMAND_SET, commands: {} } })).toMatchObject({ kind: 'command', valid: false });
  });

  it('does not treat inherited object keys as commands', () => {
    expect(decode('toString').kind).toBe('unknown');
    expect(decode('constructor').kind).toBe('unknown');
  });
});

describe('internal codes and garbage', () => {
  it('reads plain internal pack and tray codes with the default pattern', () => {
    for (const code of ['TRAY-0042', 'P24061500017', 'ORTHO-SET-12', '1234']) {
      expect(decode(code)).toEqual({ kind: 'internal', valid: true, fields: { code }, errors: [], raw: code });
    }
  });

  it('uses a configured pattern, as RegExp or string, and reports a bad one', () => {
    expect(decodeBarcode('pk-001', { internalPattern: /^pk-\d{3}$/ }).kind).toBe('internal');
    expect(decodeBarcode('pk-001', { internalPattern: '^pk-\\d{3}$' }).kind).toBe('internal');
    expect(decodeBarcode('TRAY-0042', { internalPattern: /^pk-\d{3}$/ }).kind).toBe('unknown');
    const bad = decodeBarcode('TRAY-0042', { internalPattern: '([' });
    expect(bad.kind).toBe('unknown');
    expect(bad.errors[1]).toMatch(/is not a regular expression/);
    const sticky = /^[A-Z]{4}$/g;
    expect([decodeBarcode('ABCD', { internalPattern: sticky }).kind, decodeBarcode('ABCD', { internalPattern: sticky }).kind]).toEqual([
      'internal',
      'internal',
    ]);
  });

  it('records garbage as unknown with the raw text kept', () => {
    for (const text of ['hello world', '', '   ', '\u0000\u0001', 'ab', '-ABC', 'tray-0042', '😀😀😀😀', `X${'Y'.repeat(5000)}`]) {
      const d = decode(text);
      expect(d.kind).toBe('unknown');
      expect(d.valid).toBe(false);
      expect(d.raw).toBe(text);
      expect(d.errors.length).toBeGreaterThan(0);
    }
  });

  it('never throws, even for values that are not strings', () => {
    expect(decodeBarcode(undefined as unknown as string).kind).toBe('unknown');
    expect(decodeBarcode(42 as unknown as string).raw).toBe('42');
  });
});

describe('isExpired', () => {
  it('compares the decoded expiry with a day; an item may be used through its expiry day', () => {
    const d = decode('(01)04012345678901(17)270200');
    expect(d.fields.expiry).toBe('2027-02-28');
    expect(isExpired(d, '2027-02-28')).toBe(false);
    expect(isExpired(d, '2027-03-01')).toBe(true);
    expect(isExpired(decode('+A99912345/$$1227LOT422'), '2028-01-01')).toBe(true);
  });

  it('is false without (or with an unreadable) expiry, and refuses a malformed day', () => {
    expect(isExpired(decode('TRAY-0042'), '2099-01-01')).toBe(false);
    expect(isExpired(decode('(17)270031'), '2099-01-01')).toBe(false);
    expect(() => isExpired(decode('TRAY-0042'), '2027-02-30')).toThrow(RangeError);
  });
});

describe('GS spellings', () => {
  it('turns \\x1d, \\u001d, <GS>, {GS} (any case) into GS and back for display', () => {
    expect(unescapeGs('a\\x1db\\X1Dc\\u001dd<GS>e{gs}f')).toBe(`a${GS}b${GS}c${GS}d${GS}e${GS}f`);
    expect(showControlCharacters(`a${GS}b\r`)).toBe('a<GS>b\\x0d');
  });
});

function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const out = capture();
  const err = capture();
  const code = await decodeBarcodeCommand({ argv, stdout: out.stream, stderr: err.stream, env: {} });
  return { code, out: out.text() };
}

describe('sterilink decode-barcode', () => {
  it('prints JSON with --json and exits 0 for a valid code', async () => {
    const r = await run(']d201095060001343521720123110ABC123<GS>2112345', '--json', '--today', '2026-11-27');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(UDI_DECODED);
  });

  it('prints a readable table and exits 1 for an invalid or unknown code', async () => {
    const r = await run('(01)04012345678902(17)270031');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^kind +gs1$/m);
    expect(r.out).toMatch(/^valid +no$/m);
    expect(r.out).toMatch(/^gtin +04012345678902$/m);
    expect(r.out).toMatch(/^error: \(01\) gtin: check digit 2 should be 1$/m);
    expect(r.out).toMatch(/^error: \(17\) expiry "270031": month 00 is not a month$/m);
    expect((await run('hello world')).code).toBe(1);
    expect((await run('\\x1d0104012345678901')).out).toMatch(/^raw +<GS>0104012345678901$/m);
  });

  it('decodes the examples of its own help text as valid', async () => {
    const examples = [...DECODE_BARCODE_USAGE.matchAll(/^ {2}sterilink decode-barcode '([^']+)'/gm)].map((m) => m[1] ?? '');
    expect(examples.length).toBe(3);
    for (const text of examples) expect({ text, code: (await run(text)).code }).toEqual({ text, code: 0 });
  });

  it('names the symbology in the table', async () => {
    expect((await run(']d20104012345678901')).out).toMatch(/^kind +gs1 \(GS1 DataMatrix, \]d2\)$/m);
  });

  it('is a usage error (exit 2 in the CLI) without exactly one TEXT, with a bad --today or an unknown option', async () => {
    await expect(run()).rejects.toBeInstanceOf(UsageError);
    await expect(run('a', 'b')).rejects.toThrow(/quote a scan/);
    await expect(run('TRAY-0042', '--today', '2026-13-01')).rejects.toThrow(/--today/);
    await expect(run('TRAY-0042', '--bogus')).rejects.toBeInstanceOf(UsageError);
    expect((await run('--help')).code).toBe(0);
    expect((await run('--', '-ABC')).code).toBe(1);
  });

  it('decodes every case of test/fixtures/barcodes.json (the check-barcodes.mjs format) like the CLI', async () => {
    const cases = JSON.parse(readFileSync(new URL('../fixtures/barcodes.json', import.meta.url), 'utf8')) as Array<{
      text: string;
      kind: string;
      valid?: boolean;
      fields: Record<string, string>;
    }>;
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const c of cases) {
      const r = await run(c.text, '--json');
      const o = JSON.parse(r.out) as { kind: string; valid: boolean; fields: Record<string, string> };
      const got = { text: c.text, kind: o.kind, valid: o.valid, fields: Object.fromEntries(Object.keys(c.fields).map((k) => [k, o.fields[k]])) };
      expect(got).toEqual({ text: c.text, kind: c.kind, valid: c.valid ?? o.valid, fields: c.fields });
      expect(r.code).toBe(o.valid ? 0 : 1);
    }
  });
});

describe('one command vocabulary: decode-barcode reads a scan as a station does', () => {
  it('every command a station acts on decodes as valid, and the decoder knows no command a station ignores', async () => {
    for (const command of [...STATION_COMMANDS, 'REASON:TRAUMA']) {
      const r = await run(`CMD:${command}`, '--json');
      expect({ command, code: r.code }).toEqual({ command, code: 0 });
      expect(JSON.parse(r.out)).toMatchObject({ kind: 'command', valid: true, fields: { command }, errors: [] });
    }
    expect([...DEFAULT_COMMAND_NAMES].sort()).toEqual([...STATION_COMMANDS].sort());
  });

  it('reads CMD:REASON:<CODE> as a reason command and checks only the shape of the code', () => {
    expect(decode('CMD:REASON:ANY-CODE_1')).toMatchObject({ kind: 'command', valid: true, fields: { command: 'REASON:ANY-CODE_1' } });
    const bad = decode('CMD:REASON:not a code');
    expect(bad).toMatchObject({ kind: 'command', valid: false, fields: { command: 'REASON:not a code' } });
    expect(bad.errors[0]).toMatch(/reason code "not a code" is not 1 to 32 of A-Z/);
    expect(decode('CMD:REASON:')).toMatchObject({ kind: 'command', valid: false });
  });
});
