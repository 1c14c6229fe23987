// deploy/systemd/sterilink.service (docs/install.md): what the unit must say, checked with systemd's own
// verifier (systemd-analyze verify and security, on a private root holding the unit and the system's
// units) and with a reader for the rules systemd does not check (a trailing comment is part of a value).
// The unit blocks that the docs show are held to the same rules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/process.js';
import { parseUnit, trailingComments, values } from '../helpers/unit-file.js';

const UNIT_FILE = path.join(ROOT, 'deploy/systemd/sterilink.service');
const unitText = fs.readFileSync(UNIT_FILE, 'utf8');
const unit = parseUnit(unitText);
const service = (key: string) => values(unit, 'Service', key);

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

/** A root with the system's units, a stand-in /usr/bin/sterilink and the unit under test. */
function verifyRoot(text: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-unit-'));
  roots.push(root);
  const systemUnits = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((d) => fs.existsSync(path.join(d, 'multi-user.target')));
  if (!systemUnits) throw new Error('no systemd units on this machine (apt-get install systemd: .ci/run does)');
  fs.cpSync(systemUnits, path.join(root, 'usr/lib/systemd/system'), { recursive: true, dereference: false });
  fs.mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
  fs.writeFileSync(path.join(root, 'usr/bin/sterilink'), '#!/bin/sh\n', { mode: 0o755 });
  fs.mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/systemd/system/sterilink.service'), text);
  return root;
}

function analyze(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`systemd-analyze: ${r.error.message} (apt-get install systemd: .ci/run does)`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('deploy/systemd/sterilink.service', () => {
  it('passes systemd-analyze verify', () => {
    const root = verifyRoot(unitText);
    const r = analyze(['verify', `--root=${root}`, 'sterilink.service']);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('is found wanting by systemd-analyze verify when a key is misspelt (the check can fail)', () => {
    const root = verifyRoot(unitText.replace('WatchdogSec=', 'WatchdogSex='));
    expect(analyze(['verify', `--root=${root}`, 'sterilink.service']).out).toMatch(/Unknown key 'WatchdogSex'/);
  });

  it('is hardened: systemd-analyze security rates its exposure below 4 (of 10)', () => {
    const root = verifyRoot(unitText);
    const r = analyze(['security', '--offline=true', `--root=${root}`, 'sterilink.service']);
    const level = /Overall exposure level for sterilink\.service: (\d+(?:\.\d+)?)/.exec(r.out);
    expect(level, r.out.slice(-2000)).not.toBeNull();
    expect(Number(level![1])).toBeLessThan(4);
  });

  it('says what docs/install.md promises: Type=notify with a watchdog, its own user in dialout, restart on failure', () => {
    expect(service('Type')).toEqual(['notify']);
    expect(service('NotifyAccess')).toEqual(['all']); // sd_notify goes through systemd-notify, a child
    expect(Number(service('WatchdogSec')[0])).toBeGreaterThan(0);
    expect(service('User')).toEqual(['sterilink']);
    expect(service('SupplementaryGroups')).toEqual(['dialout']);
    expect(service('Restart')).toEqual(['on-failure']);
    expect(service('ExecStart')).toEqual(['sterilink run --config /etc/sterilink/site.yaml']);
  });

  it('writes only to the data folder of the example config, and reaches only serial devices', () => {
    expect(service('ProtectSystem')).toEqual(['strict']);
    const example = parse(fs.readFileSync(path.join(ROOT, 'config/examples/site.example.yaml'), 'utf8')) as { dataDir: string };
    expect(service('ReadWritePaths')).toEqual([example.dataDir]);
    expect(service('StateDirectory')).toEqual([path.basename(example.dataDir)]);
    expect(service('NoNewPrivileges')).toEqual(['yes']);
    expect(service('PrivateTmp')).toEqual(['yes']);
    expect(service('DevicePolicy')).toEqual(['closed']);
    for (const d of service('DeviceAllow')) expect(d).toMatch(/^char-tty(USB|ACM|S|AMA) rw$/);
    // the device groups named must be there at start: the modules that make them are loaded at boot
    const modules = fs
      .readFileSync(path.join(ROOT, 'deploy/modules-load.d/sterilink.conf'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(modules).toEqual(['usbserial', 'cdc_acm']);
  });

  it('has no setting with a trailing comment, here or in any unit the docs show', () => {
    expect(trailingComments(unit)).toEqual([]);
    const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    for (const f of docs) {
      const text = fs.readFileSync(path.join(ROOT, 'docs', f), 'utf8');
      for (const block of text.matchAll(/```ini\n([\s\S]*?)```/g)) {
        if (!/^\[(Service|Unit)\]/m.test(block[1]!)) continue;
        expect(trailingComments(parseUnit(block[1]!)).map((s) => `${f}:${s.key}=${s.value}`)).toEqual([]);
      }
    }
  });
});

describe('trailingComments', () => {
  it('finds the comment systemd would take as part of the value', () => {
    const u = parseUnit('[Service]\nEnvironmentFile=-/etc/sterilink/env          # STERILINK_MQTT_PASSWORD\nUser=sterilink\n');
    expect(trailingComments(u).map((s) => s.key)).toEqual(['EnvironmentFile']);
  });
});

describe('deploy/udev/70-sterilink-serial.rules', () => {
  it('has rules udev can read: KEY=="v" matches and KEY+="v"/KEY="v" assignments, with a sterilink/ name', () => {
    const rules = fs
      .readFileSync(path.join(ROOT, 'deploy/udev/70-sterilink-serial.rules'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      for (const part of r.split(/,\s*/)) expect(part).toMatch(/^[A-Z]+(\{[a-zA-Z_]+\})?(==|!=|\+=|=|:=)"[^"]*"$/);
      expect(r).toMatch(/SYMLINK\+="sterilink\/[A-Za-z0-9_-]+"/);
      expect(r).toContain('SUBSYSTEM=="tty"');
    }
  });
});
