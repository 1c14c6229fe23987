// `sterilink report` as a user runs it: one self-contained HTML file for a cycle record, found by seq,
// record id or cycle id, from --data-dir, STERILINK_DATA_DIR or --config (with its language); a tampered
// record is still reported, marked, and the exit code says so.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../gateway/store/index.js';
import { runCli, writeConfig } from '../helpers/cli.js';
import { goldenCycleBody, releaseBody } from '../helpers/cycle-records.js';
import { seedStore } from '../helpers/seeded-store.js';

describe('sterilink report', () => {
  let dir: string;
  let dataDir: string;
  let cycle: SignedRecord;
  let second: SignedRecord;

  beforeAll(() => {
    ({ dir, dataDir } = seedStore('sl-report-', 'data', (store) => {
      cycle = store.append({
        type: 'cycle',
        device: 'AC-01',
        body: goldenCycleBody({
          file: 'steam-134-4-air.csv',
          programId: 'steam-134-4',
          cycleNo: 1042,
          cycleId: 'cyc-1042',
          loadId: 'L-1',
          items: [{ raw: 'TRAY-1', code: 'TRAY-1', kind: 'internal' }],
        }),
      });
      store.append({
        type: 'release',
        device: 'AC-01',
        body: releaseBody({
          loadId: 'L-1',
          cycleId: 'cyc-1042',
          status: 'quarantined',
          reasonCode: 'cycle-failed',
          reason: 'cycle verification failed: saturated_steam',
          at: '2026-03-02T08:40:00Z',
        }),
      });
      second = store.append({
        type: 'cycle',
        device: 'AC-01',
        body: goldenCycleBody({ file: 'steam-134-4-pass.csv', programId: 'steam-134-4', cycleNo: 1043, cycleId: 'cyc-1043' }),
      });
    }));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the report of a record by seq to stdout: one HTML document, no script, nothing fetched', () => {
    const r = runCli(['report', '--seq', String(cycle.seq), '--data-dir', dataDir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^<!doctype html>/);
    expect(r.stdout).toContain('data-criterion="saturated_steam"');
    expect(r.stdout).toContain('Saturated steam (T − T_sat)');
    expect(r.stdout).toContain('TRAY-1');
    expect(r.stdout).toContain('cycle verification failed: saturated_steam');
    expect(r.stdout).toMatch(/<svg [^>]*class="curve"/);
    expect(r.stdout).not.toMatch(/<script|<link|src=|url\(/i);
  });

  it('finds a record by record id or cycle id and writes --out', () => {
    const out = path.join(dir, 'r.html');
    const r = runCli(['report', '--cycle', 'cyc-1043', '--out', out, '--data-dir', dataDir]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`wrote ${out}: AC-01 cycle 1043 (record seq ${second.seq}), verdict pass`);
    expect(fs.readFileSync(out, 'utf8')).toContain('data-verdict="pass"');
    expect(runCli(['report', '--cycle', cycle.id, '--data-dir', dataDir]).stdout).toContain('data-verdict="fail"');
  });

  it("takes the store from STERILINK_DATA_DIR, or from --config with the site's language", () => {
    const env = runCli(['report', '--seq', String(cycle.seq)], { env: { STERILINK_DATA_DIR: dataDir } });
    expect(env.status).toBe(0);
    const cfg = writeConfig(dir, {
      site: 'st-marien',
      gateway: 'gw1',
      dataDir,
      mqtt: { url: 'mqtt://127.0.0.1:1883' },
      ui: { locale: 'zh-CN' },
      release: { timeZone: 'Asia/Shanghai' },
    });
    const zh = runCli(['report', '--seq', String(cycle.seq), '--config', cfg], { env: { STERILINK_DATA_DIR: '' } });
    expect(zh.status).toBe(0);
    expect(zh.stdout).toContain('<html lang="zh-Hans">');
    expect(zh.stdout).toContain('不合格');
    expect(zh.stdout).toContain('维持时间');
    expect(zh.stdout).toContain('时区 Asia/Shanghai');
  });

  it('says what is wrong with exit 2', () => {
    expect(runCli(['report', '--data-dir', dataDir]).status).toBe(2);
    expect(runCli(['report', '--seq', '1', '--cycle', 'x', '--data-dir', dataDir]).status).toBe(2);
    expect(runCli(['report', '--seq', 'two', '--data-dir', dataDir]).stderr).toContain('--seq: expected a record seq');
    const missing = runCli(['report', '--cycle', 'no-such', '--data-dir', dataDir]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no cycle record "no-such"');
    expect(runCli(['report', '--seq', '1', '--data-dir', path.join(dir, 'nothing')]).stderr).toContain('no SteriLink database');
    expect(runCli(['report', '--help']).stdout).toContain('--cycle ID');
  });

  it('reports a tampered record as such: marked in the report and exit 1', async () => {
    const copy = path.join(dir, 'tampered');
    fs.cpSync(dataDir, copy, { recursive: true });
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(copy, 'sterilink.db'));
    const json = db.prepare('SELECT json FROM records WHERE seq = ?').pluck().get(cycle.seq) as string;
    db.prepare('UPDATE records SET json = ? WHERE seq = ?').run(json.replace('"verdict":"fail"', '"verdict":"pass"'), cycle.seq);
    db.close();
    const r = runCli(['report', '--seq', String(cycle.seq), '--data-dir', copy]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`INTEGRITY CHECK FAILED for record seq ${cycle.seq}: hash MISMATCH`);
    expect(r.stdout).toMatch(/Hash matches the content<\/dt><dd><span class="badge bad">NO/);
  });
});
