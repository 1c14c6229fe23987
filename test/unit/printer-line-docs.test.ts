// docs/devices.md shows an example of every built-in profile's format: each parses with its profile
// without a single parse-error, so the page and the profiles cannot drift apart.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AMSCO_LS, PREVAC_TICKET_ZH, type PrinterLineProfile, SCICAN_SUMMARY } from '../../drivers/printer-line/index.js';
import { feedLines, ofKind } from '../helpers/printer-line.js';

const page = readFileSync(new URL('../../docs/devices.md', import.meta.url), 'utf8');

/** The first plain code block after `heading`. */
function exampleAfter(heading: string): string[] {
  const section = page.split(heading)[1] ?? '';
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error(`no example after ${heading}`);
  return block.trimEnd().split('\n');
}

/** heading, profile, samples, cycles (the two AMSCO lines are five minutes apart: two cycles to the parser). */
const cases: [string, PrinterLineProfile, number, number][] = [
  ['### `prevac-ticket-zh`', PREVAC_TICKET_ZH, 11, 1],
  ['### `amsco-ls`, `amsco-ls-metric`', AMSCO_LS, 2, 2],
  ['### `scican-summary`', SCICAN_SUMMARY, 0, 1],
];

describe('the examples of docs/devices.md', () => {
  it.each(cases)('%s parses clean', (heading, profile, samples, cycles) => {
    const lines = exampleAfter(heading);
    const f = feedLines(profile, lines, Date.parse('2025-10-08T12:00:00Z'));
    f.tick(Date.parse('2025-10-08T13:00:00Z'));
    expect(ofKind(f.events, 'parse-error')).toEqual([]);
    expect(ofKind(f.events, 'sample')).toHaveLength(samples);
    expect(ofKind(f.events, 'cycle-end')).toHaveLength(cycles);
  });
});
