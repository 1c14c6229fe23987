// `retention:` in the config (config/retention-config.ts): defaults when absent, sizes with units, and
// every wrong value named by its field.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../config/load-config.js';
import { DEFAULT_RETENTION } from '../../gateway/store/retention.js';
import { configProblems } from '../helpers/config-problems.js';

const base = `
site: demo
gateway: gw1
mqtt: { url: mqtt://127.0.0.1:1883 }
`;

function parse(extra: string) {
  return parseConfigText(base + extra, '/etc/sterilink/gw.yaml', { env: {}, knownPrograms: new Set() }).config;
}

const problems = (extra: string): string[] => configProblems(base + extra, { knownPrograms: new Set() });

describe('retention config', () => {
  it('keeps samples and raw lines 90 days and records 3 years when absent', () => {
    expect(parse('').retention).toEqual({
      intervalMinutes: 60,
      batchRows: 1000,
      checkpointHours: 24,
      samples: { maxAgeDays: 90 },
      raw_lines: { maxAgeDays: 90 },
      records: { maxAgeDays: 1096 },
    });
    // the store's policy for a config without `retention:` is the same (it does not load the schema)
    expect(DEFAULT_RETENTION).toEqual(parse('').retention);
  });

  it('reads sizes with units and numbers of bytes', () => {
    const r = parse(
      'retention:\n  samples: { maxAgeDays: 30, maxBytes: 2 GB }\n  raw_lines: { maxBytes: 1.5 MiB }\n  records: { maxBytes: 1000000 }\n',
    ).retention;
    expect(r.samples).toEqual({ maxAgeDays: 30, maxBytes: 2e9 });
    expect(r.raw_lines).toEqual({ maxBytes: 1.5 * 1024 * 1024 });
    expect(r.records).toEqual({ maxBytes: 1e6 });
  });

  it('names the field of every wrong value', () => {
    const p = problems('retention:\n  intervalMinutes: 0\n  samples: { maxAgeDays: -1, maxBytes: lots }\n  records: { maxAgeDays: 30 }\n  raw_line: {}\n');
    expect(p.find((x) => x.startsWith('retention.intervalMinutes:'))).toBeDefined();
    expect(p.find((x) => x.startsWith('retention.samples.maxAgeDays:'))).toBeDefined();
    expect(p.find((x) => x.startsWith('retention.samples.maxBytes:'))).toMatch(/500 MB/);
    expect(p.find((x) => x.startsWith('retention.records.maxAgeDays:'))).toMatch(/1095 days.*found 30/);
    expect(p.find((x) => x.startsWith('retention.raw_line: unknown key'))).toMatch(/raw_lines/); // with the key meant
  });
});
