// Issue 8: the release rules a site configures must be able to do their job. `check-config` refuses
// biForImplants with no way to recognise an implant, and authorised operators with no reason codes; the
// documented example shows the implant rules (GS1 prefixes, item lists) and release.reasons.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkConfigCommand } from '../../cli/commands/check-config.js';
import { loadConfigFile } from '../../config/load-config.js';
import { decodeBarcode, gs1CheckDigit } from '../../drivers/scanner/barcode/index.js';
import { isImplant } from '../../gateway/load/item-classifier.js';
import { type DeviceInput, loadPolicyFrom } from '../../gateway/load/load-policy.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { configProblems } from '../helpers/config-problems.js';

const base = `
site: demo
gateway: gw1
mqtt: { url: mqtt://127.0.0.1:1883 }
devices:
  - { id: AC-01, type: steam-sterilizer, driver: printer-line, serial: { path: /dev/ttyUSB0 }, program: steam-134-4 }
  - { id: SC-01, type: scanner, driver: scanner-line, serial: { path: /dev/ttyACM0 }, station: AC-01 }
`;
const problems = (text: string): string[] => configProblems(text, { knownPrograms: knownProgramIds() });
const sterilizer: DeviceInput = { id: 'AC-01', type: 'steam-sterilizer' };
const scanner: DeviceInput = { id: 'SC-01', type: 'scanner', station: 'AC-01' };

describe('check-config: implants must be recognisable when their loads wait for a BI', () => {
  it('the documented situation (a scanner at a sterilizer, no implant rule, biForImplants by default) is refused, naming the field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-cfg-'));
    try {
      const file = path.join(dir, 'gw.yaml');
      fs.writeFileSync(file, base);
      let err = '';
      const stderr = new Writable({
        write(chunk, _e, cb) {
          err += String(chunk);
          cb();
        },
      });
      const code = await checkConfigCommand({
        argv: [file],
        stdout: new Writable({
          write(_c, _e, cb) {
            cb();
          },
        }),
        stderr,
        env: {},
      });
      expect(code).toBe(2);
      expect(err).toMatch(
        /release\.implants: expected a way to recognise implants \(gtinPrefixes, hibcPrefixes, items or pattern\) because release\.biForImplants is true by default, found none/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explicit biForImplants: true with no rule is refused even without a scanner', () => {
    expect(loadPolicyFrom({ biForImplants: true }, [sterilizer]).problems).toEqual([
      expect.stringMatching(/^release\.implants: expected a way to recognise implants .* because release\.biForImplants is true, found none/),
    ]);
  });

  it('any one rule is enough; biForImplants: false, or no load scanned at a sterilizer, needs none', () => {
    for (const implants of [{ gtinPrefixes: ['0761234'] }, { hibcPrefixes: ['A999'] }, { items: ['IMPL-TRAY-07'] }, { pattern: '^IMP-' }]) {
      expect(loadPolicyFrom({ implants }, [sterilizer, scanner]).problems, JSON.stringify(implants)).toEqual([]);
    }
    expect(loadPolicyFrom({ biForImplants: false }, [sterilizer, scanner]).problems).toEqual([]);
    expect(loadPolicyFrom({}, [sterilizer]).problems).toEqual([]); // nothing is scanned: no load can hold an implant
    expect(
      loadPolicyFrom({}, [
        { id: 'WD-01', type: 'washer-disinfector' },
        { id: 'SC-02', type: 'scanner', station: 'WD-01' },
      ]).problems,
    ).toEqual([]);
    expect(problems(base.replace('devices:', 'release: { implants: { gtinPrefixes: ["0761234"] } }\ndevices:'))).toEqual([]);
  });

  it('an item list names implants by their exact code: GTIN, internal code, GIAI, HIBC', () => {
    const gtin = (b: string) => `${b}${gs1CheckDigit(b)}`;
    const screw = gtin('0888888000001');
    const { policy } = loadPolicyFrom({ implants: { items: [screw, 'IMPL-TRAY-07', '+A999PLATE1', 'HIP-SET-3'] } }, [sterilizer, scanner]);
    const implant = (raw: string) => isImplant(decodeBarcode(raw, { commands: policy.station.commands }), policy.station);
    expect(implant(`(01)${screw}(21)S1`)).toBe(true);
    expect(implant('IMPL-TRAY-07')).toBe(true);
    expect(implant('(8004)HIP-SET-3')).toBe(true);
    expect(implant(`(01)${gtin('0888888000002')}(21)S1`)).toBe(false);
    expect(implant('IMPL-TRAY-08')).toBe(false);
  });
});

describe('check-config: reason codes (release.reasons)', () => {
  it('a map CODE -> text; authorised operators without any reason are refused', () => {
    expect(loadPolicyFrom({ authorisedOperators: ['SUP1'], biForImplants: false }, [sterilizer]).problems).toEqual([
      expect.stringMatching(/^release\.reasons: expected at least one reason code .* because release\.authorisedOperators is set, found none/),
    ]);
    const ok = loadPolicyFrom({ authorisedOperators: ['SUP1'], biForImplants: false, reasons: { TRAUMA: 'trauma patient' } }, [sterilizer]);
    expect(ok.problems).toEqual([]);
    expect(ok.policy.station.reasons).toEqual({ TRAUMA: 'trauma patient' });
    expect(decodeBarcode('CMD:REASON:TRAUMA', { commands: ok.policy.station.commands })).toMatchObject({
      kind: 'command',
      valid: true,
      fields: { command: 'REASON:TRAUMA' },
    });
    expect(decodeBarcode('CMD:IMPLANT', { commands: ok.policy.station.commands })).toMatchObject({
      kind: 'command',
      valid: true,
      fields: { command: 'IMPLANT' },
    });
  });

  it('a reason code must be printable in a barcode, and its text not empty', () => {
    const p = problems(base.replace('devices:', 'release:\n  implants: { items: [X1] }\n  reasons: { "trauma case": Trauma, OK: "" }\ndevices:'));
    expect(p.some((x) => x.startsWith('release.reasons'))).toBe(true);
    expect(p.join('\n')).toMatch(/release\.reasons\.OK: expected at least 1 characters/);
  });
});

describe('the documented example config shows the implant rules and the reasons', () => {
  it('site.example.yaml: GS1 prefixes, an item list and release.reasons, and it passes check-config', () => {
    const file = new URL('../../config/examples/site.example.yaml', import.meta.url).pathname;
    const { config } = loadConfigFile(file, { env: { STERILINK_MQTT_PASSWORD: 'x' }, knownPrograms: knownProgramIds() });
    expect(config.release?.implants?.gtinPrefixes.length).toBeGreaterThan(0);
    expect(config.release?.implants?.items.length).toBeGreaterThan(0);
    expect(Object.keys(config.release?.reasons ?? {}).length).toBeGreaterThan(0);
    expect(config.release?.authorisedOperators.length).toBeGreaterThan(0);
    expect(config.devices.some((d) => d.type === 'scanner' && d.station !== undefined)).toBe(true);
  });
});
