import { describe, expect, it } from 'vitest';
import { chooseProgram } from '../../gateway/cycle/program-choice.js';
import { PRESETS } from '../../gateway/verify/index.js';
import { STEAM_PROGRAMS } from '../../simulators/steam/programs.js';
import { WASHER_PROGRAMS } from '../../simulators/washer/programs.js';
import { DEFAULT_PROGRAM_MAP } from '../../vocabulary/program-numbers.js';

describe('choosing the program a cycle is verified against', () => {
  it('takes the device number through the built-in map, extended (not replaced) by the site map', () => {
    expect(chooseProgram({ reportedNo: 2 })).toMatchObject({ id: 'steam-121-20', source: 'device-number' });
    const site = { '5': 'steam-134-18' };
    expect(chooseProgram({ reportedNo: 5, programMap: site })).toMatchObject({ id: 'steam-134-18' });
    expect(chooseProgram({ reportedNo: 12, programMap: site })).toMatchObject({ id: 'washer-a0-3000' });
  });

  it('never swaps an unknown device program number for the config default', () => {
    const c = chooseProgram({ reportedNo: 9, configDefault: 'steam-134-4' });
    expect(c).toMatchObject({ id: 'program-no-9', source: 'device-number' });
    expect(c.program).toBeUndefined(); // unverifiable: the record fails and says which number
  });

  it('uses the config default only when the device reports nothing', () => {
    expect(chooseProgram({ configDefault: 'steam-134-4' })).toMatchObject({ id: 'steam-134-4', source: 'config-default' });
    expect(chooseProgram({})).toMatchObject({ id: undefined, source: 'none' });
  });

  it('has one built-in number table: it names only preset programs, and the simulators print exactly its numbers', () => {
    for (const id of Object.values(DEFAULT_PROGRAM_MAP)) expect(Object.keys(PRESETS)).toContain(id);
    const printed = Object.fromEntries([...STEAM_PROGRAMS, ...WASHER_PROGRAMS].map((p) => [String(p.programNo), p.id]));
    expect(printed).toEqual(DEFAULT_PROGRAM_MAP);
  });
});
