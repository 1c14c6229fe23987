// Site profiles as YAML files: loadPrinterProfile (built-in names, paths, errors that name the field),
// `extends`, the worked example of docs/devices.md and config/examples/profiles/, and a lint of every
// built-in profile.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_PRINTER_PROFILES,
  compileProfile,
  loadPrinterProfile,
  PREVAC_TICKET,
  parsePrinterProfileText,
  validateProfile,
} from '../../drivers/printer-line/index.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { feedLines, fixtureLines, ofKind } from '../helpers/printer-line.js';

const dir = mkdtempSync(join(tmpdir(), 'sterilink-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const EXAMPLE = new URL('../../config/examples/profiles/example-site-ticket.yaml', import.meta.url);
const devicesMd = readFileSync(new URL('../../docs/devices.md', import.meta.url), 'utf8');

/** The problems of a failed load, or [] if it loaded. */
function problems(load: () => unknown): string[] {
  try {
    load();
    return [];
  } catch (e) {
    expect(isGatewayError(e, 'device.profile')).toBe(true);
    return isGatewayError(e) ? ((e.context.problems as string[] | undefined) ?? [e.message]) : [String(e)];
  }
}

describe('every built-in profile', () => {
  it.each(Object.entries(BUILTIN_PRINTER_PROFILES))('%s lints clean, compiles and survives a JSON round trip', (name, profile) => {
    expect(validateProfile(profile)).toEqual([]);
    expect(profile.name).toBe(name);
    expect(() => compileProfile(profile)).not.toThrow();
    const copy: unknown = JSON.parse(JSON.stringify(profile));
    expect(validateProfile(copy)).toEqual([]);
  });

  it('is what a name loads', () => {
    for (const [name, profile] of Object.entries(BUILTIN_PRINTER_PROFILES)) expect(loadPrinterProfile(name)).toBe(profile);
  });
});

describe('loadPrinterProfile errors', () => {
  it('an unknown name lists the built-ins', () => {
    expect(() => loadPrinterProfile('amsco')).toThrow(/unknown printer-line profile "amsco" \(built-in: prevac-ticket, prevac-ticket-zh, amsco-ls/);
  });

  it('a missing file says so, with the resolved path', () => {
    let thrown: unknown;
    try {
      loadPrinterProfile('profiles/nope.yaml', { baseDir: dir });
    } catch (e) {
      thrown = e;
    }
    expect(isGatewayError(thrown, 'device.profile.file')).toBe(true);
    expect((thrown as Error).message).toBe(`printer-line profile file ${join(dir, 'profiles/nope.yaml')}: expected a readable file, found ENOENT`);
  });

  it('a YAML syntax error names the line', () => {
    const file = write('broken.yaml', 'name: x\nheader: [\n  - oops\n');
    const found = problems(() => loadPrinterProfile(file));
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(p).toMatch(/^profile \(YAML line \d+\): /);
  });

  it('names every field that is wrong, as profile.<field>: expected …, found …', () => {
    const file = write(
      'bad.yaml',
      [
        'name: my-ticket',
        'encoding: gb18030',
        'pressureUnit: psi',
        "ticketStart: '^START'",
        "sample: '^(?<hh>\\d\\d):(?<mm>\\d\\d) (?<temp>\\d+)'",
        "result: '^END (?<status>OK)'",
        'resultMap: { OK: fine }',
        'phaseMap: { START: boiling }',
        'phasemap: {}',
        'idleGapS: -1',
      ].join('\n'),
    );
    expect(problems(() => loadPrinterProfile(file))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^profile\.phasemap: expected one of the profile fields \(name, .*\), found an unknown field$/),
        expect.stringMatching(/^profile\.pressureUnit: expected one of kPa-gauge, .*psig.*, found "psi"$/),
        expect.stringMatching(/^profile\.sample: expected a named group \(\?<ss>…\)/),
        'profile.phaseMap.START: expected a phase, found "boiling"',
        'profile.resultMap.OK: expected one of ok, aborted, fault, found "fine"',
        'profile.idleGapS: expected seconds, more than 0 and at most 86400, found -1',
      ]),
    );
  });

  it('checks what segmentation needs: a flag stream needs a flag group and a flag rule', () => {
    const file = write(
      'flag.yaml',
      [
        'name: my-stream',
        'encoding: latin1',
        'pressureUnit: kPa-abs',
        'segmentation: flag',
        "sample: '^(?<hh>\\d\\d):(?<mm>\\d\\d):(?<ss>\\d\\d) (?<temp>\\d+)'",
      ].join('\n'),
    );
    expect(problems(() => loadPrinterProfile(file))).toEqual([
      'profile.sample: expected a named group (?<flag>…) with segmentation flag, found none in "^(?<hh>\\\\d\\\\d):(?<mm>\\\\d\\\\d):(?<ss>\\\\d\\\\d) (?<temp>\\\\d+)"',
      'profile.flag: expected {on, before, during, after} with segmentation flag, found nothing',
    ]);
  });

  it('refuses a built-in name and an unknown extends', () => {
    expect(problems(() => parsePrinterProfileText('extends: prevac-ticket\nname: prevac-ticket\n', 'x.yaml'))).toEqual([
      'profile.name: expected a name no built-in profile has (use extends: prevac-ticket and a new name), found "prevac-ticket"',
    ]);
    expect(problems(() => parsePrinterProfileText('extends: prevac\nname: mine\n', 'x.yaml'))[0]).toMatch(
      /^profile\.extends: expected a built-in profile \(prevac-ticket, /,
    );
  });

  it('refuses an empty file and a list', () => {
    expect(problems(() => parsePrinterProfileText('', 'x.yaml'))).toEqual(['profile: expected a mapping of profile fields, found an empty file']);
    expect(problems(() => parsePrinterProfileText('- a\n', 'x.yaml'))).toEqual(['profile: expected a mapping of profile fields, found object']);
  });
});

describe('extends', () => {
  it('starts from a built-in and replaces only the fields given', () => {
    const file = write(
      'prevac-latin1.yaml',
      [
        'extends: prevac-ticket',
        'name: prevac-latin1',
        'encoding: latin1',
        'phaseMap:',
        "  'START|BEGIN': conditioning",
        "  'PULSE\\d+ (VAC|STEAM)': conditioning",
        "  'HEAT UP': heating",
        '  STERILIZE: sterilizing',
        "  'STERILIZE END|EXHAUST': exhaust",
        '  DRYING: drying',
        "  'AIR IN': aeration",
        '  END: complete',
      ].join('\n'),
    );
    const profile = loadPrinterProfile(file);
    expect(profile).toMatchObject({ name: 'prevac-latin1', encoding: 'latin1', sample: PREVAC_TICKET.sample, result: PREVAC_TICKET.result });
    expect(Object.isFrozen(profile)).toBe(true);
    const f = feedLines(
      profile,
      fixtureLines('pass-134.txt').map((l) => l.replace('08:02:11  START ', '08:02:11  BEGIN ')),
      Date.parse('2025-03-14T09:00:00+01:00'),
    );
    expect(ofKind(f.events, 'parse-error')).toEqual([]);
    expect(ofKind(f.events, 'phase')[0]).toMatchObject({ label: 'BEGIN', phase: 'conditioning' });
  });
});

describe('the worked example (config/examples/profiles/example-site-ticket.yaml)', () => {
  const profile = loadPrinterProfile('profiles/example-site-ticket.yaml', { baseDir: new URL('../../config/examples/', import.meta.url).pathname });

  it('loads clean', () => {
    expect(profile.name).toBe('acme-st200');
    expect(validateProfile(profile)).toEqual([]);
  });

  it('parses its sample ticket: day-first date, decimal commas, bar gauge, mixed-case steps', () => {
    const f = feedLines(profile, fixtureLines('example-site-ticket.txt', 'latin1'), Date.parse('2025-03-14T09:00:00+01:00'), 1000, { tzOffsetMinutes: 60 });
    expect(ofKind(f.events, 'parse-error')).toEqual([]);
    expect(ofKind(f.events, 'cycle-start')).toMatchObject([
      { programNo: 1, cycleNo: 1187, info: { model: 'ST-200', serial: '4711', programText: '134C Instruments', date: '2025-03-14' } },
    ]);
    const samples = ofKind(f.events, 'sample');
    expect(samples).toHaveLength(10);
    expect(samples.find((s) => s.phase === 'sterilizing')).toMatchObject({ ts: Date.parse('2025-03-14T08:12:30+01:00'), temp_c: 134.2, pressure_kpa: 304.325 });
    expect(ofKind(f.events, 'phase').map((p) => p.phase)).toEqual(['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying', 'aeration', 'complete']);
    expect(ofKind(f.events, 'cycle-end')).toMatchObject([{ status: 'ok' }]);
  });

  it('is the YAML shown in docs/devices.md', () => {
    const block = /```yaml\n(# A site's own printer-line profile[\s\S]*?)```/.exec(devicesMd)?.[1];
    expect(block).toBeDefined();
    expect(block).toBe(readFileSync(EXAMPLE, 'utf8'));
  });
});
