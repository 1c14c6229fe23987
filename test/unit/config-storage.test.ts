// `storage:` (docs/operations.md, "A full disk" and "Line noise"): the reserve file's size and the day's noise
// sample, with defaults, and errors that name the field.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../config/load-config.js';
import { configProblems } from '../helpers/config-problems.js';

const known = new Set(['steam-134-4']);
const withStorage = (storage: string) => `
site: demo
gateway: gw1
mqtt: { url: mqtt://127.0.0.1:1883 }
devices: []
${storage}
`;

const problems = (text: string): string[] => configProblems(text, { knownPrograms: known }, '/etc/sterilink/site.yaml');

describe('config: storage', () => {
  it('defaults to a 16 MiB reserve, 100 noise lines a day per device and 30 s sample batches', () => {
    const { config } = parseConfigText(withStorage(''), '/x/site.yaml', { env: {}, knownPrograms: known });
    expect(config.storage).toEqual({ reserveMiB: 16, noiseSamplePerDay: 100, sampleFlushS: 30 });
    const set = parseConfigText(withStorage('storage: { reserveMiB: 0, noiseSamplePerDay: 5, sampleFlushS: 1 }'), '/x/site.yaml', {
      env: {},
      knownPrograms: known,
    });
    expect(set.config.storage).toEqual({ reserveMiB: 0, noiseSamplePerDay: 5, sampleFlushS: 1 });
  });

  it('names the field of a bad value or an unknown key', () => {
    expect(problems(withStorage('storage: { reserveMiB: -1 }'))).toEqual([expect.stringMatching(/^storage\.reserveMiB: /)]);
    expect(problems(withStorage('storage: { noiseSamplePerDay: 2.5 }'))).toEqual([expect.stringMatching(/^storage\.noiseSamplePerDay: /)]);
    expect(problems(withStorage('storage: { sampleFlushS: 0 }'))).toEqual([expect.stringMatching(/^storage\.sampleFlushS: /)]);
    expect(problems(withStorage('storage: { noiseSamplesPerDay: 10 }'))).toEqual([expect.stringMatching(/^storage\.noiseSamplesPerDay: unknown key/)]);
  });
});
