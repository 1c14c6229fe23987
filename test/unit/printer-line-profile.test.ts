import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PRINTER_PROFILES,
  compileProfile,
  initialParserState,
  PREVAC_TICKET,
  type PrinterLineProfile,
  parsePrinterLine,
  phaseForLabel,
  validateProfile,
} from '../../drivers/printer-line/index.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { isGatewayError } from '../../vocabulary/errors.js';

const devicesMd = readFileSync(new URL('../../docs/devices.md', import.meta.url), 'utf8');

describe('built-in printer-line profiles', () => {
  it.each(Object.entries(BUILTIN_PRINTER_PROFILES))('%s is valid and compiles', (name, profile) => {
    expect(validateProfile(profile)).toEqual([]);
    expect(profile.name).toBe(name);
    expect(() => compileProfile(profile)).not.toThrow();
  });

  it('survives a JSON round trip (profiles are data, as a YAML config would carry them)', () => {
    const copy: unknown = JSON.parse(JSON.stringify(PREVAC_TICKET));
    expect(validateProfile(copy)).toEqual([]);
    expect(copy).toEqual(PREVAC_TICKET);
  });
});

describe('prevac-ticket against docs/devices.md (the contract with the simulator)', () => {
  it('parses the example ticket of the page without a single parse-error', () => {
    const block = /```\n(==== STERILIZER[\s\S]*?)```/.exec(devicesMd)?.[1];
    expect(block).toBeDefined();
    const lines = (block ?? '').trimEnd().split('\n');
    let state = initialParserState();
    const events: DeviceEvent[] = [];
    for (const line of lines) {
      const r = parsePrinterLine(state, line, {
        deviceId: 'D',
        recvTs: Date.parse('2025-03-14T09:00:00Z'),
        atmosphericKpa: 101.325,
        profile: PREVAC_TICKET,
        tzOffsetMinutes: 0,
      });
      state = r.state;
      events.push(...r.events);
    }
    expect(events.filter((e) => e.kind === 'parse-error')).toEqual([]);
    expect(events.filter((e) => e.kind === 'raw')).toHaveLength(lines.length);
    expect(events.find((e) => e.kind === 'cycle-start')).toMatchObject({ programNo: 1, cycleNo: 4217 });
    expect(events.filter((e) => e.kind === 'sample')).toHaveLength(12);
    expect(events.find((e) => e.kind === 'cycle-end')).toMatchObject({ status: 'ok' });
  });

  it("maps every label of the page's label table to the documented phase", () => {
    const table = devicesMd.split('| label | phase |')[1]?.split('\n\n')[0] ?? '';
    const rows = table.split('\n').filter((row) => row.startsWith('| `'));
    expect(rows.length).toBeGreaterThanOrEqual(9);
    const compiled = compileProfile(PREVAC_TICKET);
    for (const row of rows) {
      const [labelCell = '', phaseCell = ''] = row.split('|').slice(1, 3);
      const labels = [...labelCell.matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? '').replace(/PULSEn/, 'PULSE2'));
      const phases = phaseCell.split('/').map((p) => p.trim());
      labels.forEach((label, i) => {
        expect(phaseForLabel(compiled, label), label).toBe(phases.length > 1 ? phases[i] : phases[0]);
      });
    }
  });
});

describe('validateProfile', () => {
  const broken = (patch: Record<string, unknown>) => ({ ...PREVAC_TICKET, ...patch });

  it('rejects what is not a profile', () => {
    expect(validateProfile(null)).toEqual(['profile: expected an object, found null']);
    expect(validateProfile([])).toHaveLength(1);
  });

  it('names every problem at once, with its path', () => {
    const problems = validateProfile(
      broken({
        name: 'has space',
        encoding: 'utf-16le',
        pressureUnit: 'psi',
        sample: '^(?<hh>\\d\\d):(?<mm>\\d\\d) (?<temp>\\d+)',
        alarm: '^ALARM (?<code>\\S+) (?<severity>\\d)',
        result: '^RESULT (',
        header: ['^CYCLE', 42],
        phaseMap: { 'HEAT UP': 'boiling', '[': 'drying' },
        resultMap: { OK: 'fine' },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: expected/),
        expect.stringMatching(/^encoding: expected an ASCII-compatible encoding/),
        expect.stringMatching(/^pressureUnit: expected one of kPa-gauge, kPa-abs, psig, psia, bar-gauge, .*, found "psi"/),
        expect.stringMatching(/^sample: expected a named group \(\?<ss>…\)/),
        expect.stringMatching(/^alarm: expected only the groups code, text, found \(\?<severity>…\)/),
        expect.stringMatching(/^result: expected a valid regular expression/),
        expect.stringMatching(/^header\.1: expected a regular expression source, found 42/),
        expect.stringMatching(/^phaseMap\.HEAT UP: expected a phase, found "boiling"/),
        expect.stringMatching(/^phaseMap\.\[: expected a regular expression/),
        expect.stringMatching(/^resultMap\.OK: expected one of ok, aborted, fault, found "fine"/),
      ]),
    );
    expect(problems).toHaveLength(10);
  });

  it('rejects unknown encodings, missing fields and patterns that match an empty line', () => {
    const { ignore: _omitted, ...noIgnore } = PREVAC_TICKET;
    expect(validateProfile(noIgnore)).toEqual(['ignore: expected a list of regular expression sources, found nothing']);
    expect(validateProfile(broken({ encoding: 'klingon' }))).toEqual(['encoding: expected a text encoding known to TextDecoder, found "klingon"']);
    expect(validateProfile(broken({ ignore: ['.*'] }))).toEqual(['ignore.0: expected a pattern that needs some text, found one matching the empty line']);
  });

  it('compileProfile throws a GatewayError listing the problems', () => {
    let thrown: unknown;
    try {
      compileProfile(broken({ pressureUnit: 'bar' }) as PrinterLineProfile);
    } catch (e) {
      thrown = e;
    }
    expect(isGatewayError(thrown, 'device.profile.invalid')).toBe(true);
    expect(String((thrown as Error).message)).toMatch(/pressureUnit/);
  });
});
