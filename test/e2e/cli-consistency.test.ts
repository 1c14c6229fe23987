// Issue 12, "the CLI behaves the same everywhere", as a user meets it with the built CLI: every verb and
// subverb answers --help (exit 0), a mistyped verb, subcommand or option gets a suggestion, the verbs that
// read the store find it as `run` does (--data-dir, STERILINK_DATA_DIR, --config), and a YAML indentation
// mistake is pointed at by line and column.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { goldenCycleBody } from '../helpers/cycle-records.js';
import { seedStore } from '../helpers/seeded-store.js';

const HELP_OF = [
  ['run'],
  ['demo'],
  ['simulate'],
  ['simulate', 'autoclave'],
  ['simulate', 'washer'],
  ['simulate', 'bi-reader'],
  ['simulate', 'scanner'],
  ['verify-trace'],
  ['check-config'],
  ['db'],
  ['db', 'verify'],
  ['db', 'export'],
  ['keys'],
  ['keys', 'show'],
  ['keys', 'rotate'],
  ['report'],
  ['loaner'],
  ['loaner', 'show'],
  ['programs'],
  ['watch'],
  ['decode-barcode'],
  ['verify-record'],
];

describe('sterilink: --help everywhere', () => {
  it('every verb and subverb prints its usage on stdout and exits 0 (-h too)', () => {
    for (const [i, words] of HELP_OF.entries()) {
      for (const flag of i % 4 === 0 ? ['--help', '-h'] : ['--help']) {
        const r = runCli([...words, flag]);
        expect({ words, flag, status: r.status, stderr: r.stderr }).toEqual({ words, flag, status: 0, stderr: '' });
        expect(r.stdout, words.join(' ')).toMatch(new RegExp(`^usage: sterilink ${words[0]}`));
      }
    }
    // help before other (even wrong) arguments still helps; `sterilink help VERB` is `VERB --help`
    expect(runCli(['run', '--bogus', '--help']).status).toBe(0);
    const viaHelp = runCli(['help', 'db']);
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toMatch(/^usage: sterilink db verify/);
  }, 120_000);

  it('a mistyped verb, subcommand or option: exit 2 and the word meant', () => {
    const cases: [args: string[], says: string][] = [
      [['simualte', 'autoclave'], 'unknown command "simualte" (did you mean "simulate"?)'],
      [['db', 'verfy'], 'unknown subcommand "verfy" (did you mean "verify"?)'],
      [['simulate', 'autoclav', '--tcp', '0'], '(did you mean "autoclave"?)'],
      [['report', '--seq', '1', '--data-dri', '/tmp'], 'sterilink report: unknown option --data-dri (did you mean "--data-dir"?)\nusage: sterilink report'],
      [['verify-trace', 'x.csv', '--program', 'steam-134-5'], '(did you mean "steam-134-4"?)'],
      [['run', '--config', 'site.yaml', '--log-level', 'dbug'], 'found "dbug" (did you mean "debug"?)'],
      [['run', '--config'], '--config needs a value'],
    ];
    for (const [args, says] of cases) {
      const r = runCli(args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toContain(says);
    }
  });
});

describe('sterilink db, keys, report, loaner: the store where run has it', () => {
  let dir: string;
  let dataDir: string;
  let config: string;

  beforeAll(() => {
    ({ dir, dataDir } = seedStore('sl-cli-store-', 'var-data', (store) => {
      store.append({ type: 'cycle', device: 'AC-01', body: goldenCycleBody({ file: 'steam-134-4-pass.csv', programId: 'steam-134-4', cycleNo: 7 }) });
    }));
    // the config names the store relative to itself, as a site config does
    config = writeConfig(dir, { site: 'st-marien', gateway: 'gw1', dataDir: './var-data', mqtt: { url: 'mqtt://127.0.0.1:1883' } });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const verbs = (): string[][] => [
    ['db', 'verify'],
    ['db', 'export'],
    ['keys', 'show'],
    ['report', '--seq', '1'],
  ];

  it('STERILINK_DATA_DIR, as in the container (where ./data is not the store)', () => {
    for (const v of verbs()) {
      const r = runCli(v, { env: { STERILINK_DATA_DIR: dataDir } });
      expect({ v, status: r.status, stderr: r.stderr }).toEqual({ v, status: 0, stderr: '' });
    }
    const loaner = runCli(['loaner', 'show', 'LN-1'], { env: { STERILINK_DATA_DIR: dataDir } });
    expect(loaner.stderr).toContain(`no loaner set "LN-1" in ${dataDir}`); // it looked in the right store
  });

  it('--config FILE: the dataDir of the config, relative to the file', () => {
    for (const v of verbs()) {
      const r = runCli([...v, '--config', config], { env: { STERILINK_DATA_DIR: '' } });
      expect({ v, status: r.status, stderr: r.stderr }).toEqual({ v, status: 0, stderr: '' });
    }
  });

  it('--data-dir wins over STERILINK_DATA_DIR, which wins over the config (as for run)', () => {
    const elsewhere = path.join(dir, 'elsewhere');
    const flag = runCli(['db', 'verify', '--data-dir', elsewhere, '--config', config], { env: { STERILINK_DATA_DIR: dataDir } });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain(`no SteriLink database in ${elsewhere}`);
    const env = runCli(['db', 'verify', '--config', config], { env: { STERILINK_DATA_DIR: elsewhere } });
    expect(env.status).toBe(2);
    expect(env.stderr).toContain(`no SteriLink database in ${elsewhere}`);
  });

  it('a bad --config is named with its problems, exit 2', () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'site: st-marien\ngateway: gw1\nmqtt: { url: mqtt://127.0.0.1:1883 }\ndatadir: ./var-data\n');
    const r = runCli(['keys', 'show', '--config', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('datadir: unknown key (did you mean "dataDir"?');
  });
});

describe('check-config: a YAML indentation mistake', () => {
  it('is pointed at by the line and column indented wrong', () => {
    const dir = tempDir('sl-cli-yaml-');
    const file = path.join(dir, 'site.yaml');
    fs.writeFileSync(file, 'site: demo\ngateway: gw1\nmqtt:\n  url: mqtt://127.0.0.1:1883\n   clientId: gw1\n');
    const r = runCli(['check-config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('(YAML line 5, column 4): "clientId" is indented deeper than "url" on line 4');
  });
});
