// The CLI verbs a CSSD engineer runs by hand: exit codes and messages.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const TRACES = path.resolve(ROOT, 'test/fixtures/traces');

describe('sterilink CLI', () => {
  it('prints help and refuses an unknown verb with exit 2', () => {
    expect(runCli(['--help']).stdout).toContain('verify-trace TRACE.csv --program ID');
    const r = runCli(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it('verify-trace: 0 for a passing trace, 1 with the failed criterion, 2 for bad input', () => {
    const pass = runCli(['verify-trace', path.join(TRACES, 'steam-134-4-pass.csv'), '--program', 'steam-134-4']);
    expect(pass.status).toBe(0);
    expect(pass.stdout).toMatch(/PASS/);
    const fail = runCli(['verify-trace', path.join(TRACES, 'steam-134-4-short-hold.csv'), '--program', 'steam-134-4', '--json']);
    expect(fail.status).toBe(1);
    const out = JSON.parse(fail.stdout) as { verdict: string; criteria: { id: string; pass: boolean | null }[]; hold: { seconds: number } };
    expect(out.verdict).toBe('fail');
    expect(out.criteria.find((c) => c.id === 'hold_time')?.pass).toBe(false);
    expect(out.hold.seconds).toBeLessThan(240);

    const unknown = runCli(['verify-trace', path.join(TRACES, 'steam-134-4-pass.csv'), '--program', 'steam-999']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown program "steam-999"; known programs: .*steam-134-4/);
    const dir = tempDir();
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 't_s,temp_c,pressure_kpa,phase\n0,134.2,304,sterilizing\n1,abc,304,sterilizing\n');
    const badRun = runCli(['verify-trace', bad, '--program', 'steam-134-4']);
    expect(badRun.status).toBe(2);
    expect(badRun.stderr).toMatch(/line 3/);
    expect(runCli(['verify-trace', path.join(dir, 'missing.csv'), '--program', 'steam-134-4']).status).toBe(2);
  });

  it("verify-trace reads an exported file as written (# comments, # result) and, with --config, the site's programs", () => {
    const dir = tempDir();
    const golden = fs.readFileSync(path.join(TRACES, 'steam-134-4-pass.csv'), 'utf8');
    // the device said aborted: the same curve fails device_result
    const aborted = path.join(dir, 'aborted.csv');
    fs.writeFileSync(aborted, `# record seq 9 device AC-01 cycle 4 program steam-134-4 verdict fail\n# result: aborted\n${golden}`);
    const r = runCli(['verify-trace', aborted, '--program', 'steam-134-4']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL \(device_result\)/);
    // a machine with no pressure output: fails on the preset, passes under the site program that says so
    const noP = path.join(dir, 'no-pressure.csv');
    fs.writeFileSync(
      noP,
      golden
        .split('\n')
        .map((l, i) => (i === 0 || l === '' ? l : l.replace(/^([^,]*,[^,]*),[^,]*,/, '$1,,')))
        .join('\n'),
    );
    const cfg = path.join(dir, 'site.yaml');
    fs.writeFileSync(
      cfg,
      'site: demo\ngateway: gw1\nmqtt: { url: mqtt://127.0.0.1:1883 }\nprograms:\n  - { id: site-nop, base: steam-134-4, pressureChannel: false }\n',
    );
    expect(runCli(['verify-trace', noP, '--program', 'steam-134-4']).status).toBe(1);
    const site = runCli(['verify-trace', noP, '--program', 'site-nop', '--config', cfg, '--json']);
    expect(site.status, site.stderr).toBe(0);
    const sat = (JSON.parse(site.stdout) as { criteria: { id: string; pass: boolean | null; detail: string }[] }).criteria.find(
      (c) => c.id === 'saturated_steam',
    );
    expect(sat).toMatchObject({ pass: null });
    expect(sat?.detail).toMatch(/pressureChannel: false/);
    expect(runCli(['verify-trace', noP, '--program', 'site-nop']).stderr).toMatch(/unknown program "site-nop"/);
  });

  it('check-config: 0 for the shipped examples, 2 listing every problem of a bad file', () => {
    const ok = runCli(['check-config', path.join(ROOT, 'config/examples/demo.yaml')]);
    expect(ok.status, ok.stderr).toBe(0);
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      [
        'site: demo',
        'gateway: gw 1',
        'mqtt: { url: "http://x" }',
        'devices:',
        '  - id: AC-01',
        '    type: steam-sterilizer',
        '    driver: printer-line',
        '    serial: { path: /dev/ttyUSB0, baud: 9600 }',
        '    program: steam-999',
      ].join('\n'),
    );
    const r = runCli(['check-config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('gateway: expected letters, digits, "_" or "-", found "gw 1"');
    expect(r.stderr).toMatch(/mqtt\.url: expected mqtt:\/\/host:port.*found "http:\/\/x"/);
    expect(r.stderr).toContain('devices[0].serial.baud: unknown key');
  });

  it('run refuses a bad config before touching any device', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      'site: demo\ngateway: gw1\nmqtt: { url: mqtt://127.0.0.1:1 }\ndevices:\n  - { id: AC-01, type: steam-sterilizer, driver: printer-line, program: nope }\n',
    );
    const r = runCli(['run', '--config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^refusing to start: .*2 problems/m);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('keys show prints the key made on first start, and db verify says when there is no store', () => {
    const dir = tempDir();
    expect(runCli(['db', 'verify', '--data-dir', dir]).status).toBe(2);
    expect(runCli(['keys', 'show', '--data-dir', dir]).status).toBe(2);
  });
});
