// The config's `loaner:` section: a scanner may be bound to a loaner desk; the section is refused when it would make
// the loaner rules hollow (no desk, no vendor, a representative of two vendors, a desk named like a machine) or when
// implant loads are not held for their BI (loaner sets are implant loads, WS 310.3).
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../config/load-config.js';
import { configProblems } from '../helpers/config-problems.js';

const base = (loaner: string, release = 'implants: { gtinPrefixes: ["0761234"] }') => `
site: demo
gateway: gw1
mqtt: { url: mqtt://127.0.0.1:1883 }
release: { ${release} }
devices:
  - { id: AC-01, type: steam-sterilizer, driver: printer-line, serial: { path: /dev/ttyUSB0 } }
  - { id: SC-01, type: scanner, driver: scanner-line, serial: { path: /dev/ttyACM0 }, station: AC-01 }
  - { id: SC-LN, type: scanner, driver: scanner-line, serial: { path: /dev/ttyACM1 }, station: LOANER-DESK }
${loaner}
`;
const GOOD = 'loaner: { desks: [LOANER-DESK], vendors: { MEDI: { name: MediOrtho, representatives: [V-1] } } }';

const problems = (text: string): string[] => configProblems(text);

describe('config loaner:', () => {
  it('binds a scanner to a loaner desk and fills the defaults', () => {
    expect(problems(base(GOOD))).toEqual([]);
    const { config } = parseConfigText(base(GOOD), '/x/gw.yaml', { env: {} });
    expect(config.loaner).toMatchObject({ representativePrefix: 'VR:', defaultDueH: 24, returnWithinH: 48, biReadoutMin: 180 });
  });

  it('a scanner bound to a desk that is not configured is refused, naming desks as an option', () => {
    expect(problems(base(''))).toEqual(['devices[2].station: expected the id of a sterilizer or washer in this file, found "LOANER-DESK"']);
    expect(problems(base(GOOD.replace('[LOANER-DESK]', '[OTHER-DESK]')))).toEqual([
      'devices[2].station: expected the id of a sterilizer or washer in this file or a loaner desk (loaner.desks), found "LOANER-DESK"',
    ]);
  });

  it('refuses what would make the loaner rules hollow', () => {
    expect(problems(base(GOOD, 'biForImplants: false'))).toEqual([
      expect.stringMatching(/^loaner: release\.biForImplants is false, so a loaner set would be released on its cycle verdict alone/),
    ]);
    expect(problems(base('loaner: { desks: [AC-01, LOANER-DESK], vendors: { MEDI: { representatives: [V-1] } } }'))).toEqual([
      'loaner.desks: "AC-01" is a device id; a desk is a place (a receiving or return table), name it differently',
    ]);
    expect(problems(base('loaner: { desks: [LOANER-DESK], vendors: { A: { representatives: [V-1] }, B: { representatives: [V-1] } } }'))).toEqual([
      'loaner.vendors.B.representatives: "V-1" is also a representative of A; a badge belongs to one vendor',
    ]);
    expect(problems(base('loaner: { desks: [LOANER-DESK], vendors: {} }'))).toEqual([
      'loaner.vendors: expected at least one vendor with its trained representatives, found none',
    ]);
    expect(problems(base('loaner: { desks: [LOANER-DESK], vendors: { A: { representatives: [V-1] } }, setPattern: "(" }'))[0]).toMatch(
      /^loaner\.setPattern: not a regular expression/,
    );
    expect(problems(base('loaner: { desks: [], vendors: { A: { representatives: [V-1] } } }'))[0]).toMatch(/^loaner\.desks: /);
  });
});
