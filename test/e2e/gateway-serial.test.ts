// The walking skeleton end to end, as a CSSD engineer runs it: a simulated autoclave on a real PTY pair
// (socat), the gateway CLI, a private Mosquitto; then `db verify`, tampering, export and re-verification.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { computeRecordHash, type SignedRecord, verifyRecord } from '../../gateway/store/index.js';
import { runCli, startCli, startSimulator } from '../helpers/cli.js';
import { useSerialAutoclaveRig } from '../helpers/gateway-rig.js';
import { MqttCollector } from '../helpers/mosquitto.js';

const ROOT_TOPIC = 'sterilink/v1/e2e/gw1';

describe('serial autoclave -> gateway -> MQTT', () => {
  const ac = useSerialAutoclaveRig('e2e', 'ac');

  const cycleRecords = () => ac.rig.sub.filter((m) => m.topic === `${ROOT_TOPIC}/records/cycle`).map((m) => m.json as SignedRecord);

  it('publishes a signed, verified pass record for a good cycle, with telemetry and device state', async () => {
    const sim = startCli(['simulate', 'autoclave', '--serial', ac.pty.dev, '--program', 'steam-134-4', '--speed', '300', '--cycles', '1', '--name', 'SZ-03']);
    expect(await sim.exited).toBe(0);
    const msg = await ac.rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/records/cycle`, 30_000);
    const rec = msg.json as SignedRecord;
    const body = rec.body as {
      verdict: string;
      program: string;
      criteria: { id: string; pass: boolean | null }[];
      info: Record<string, string>;
      curve: { t_s: number[] };
      raw: { lines: number };
    };
    expect(body.verdict).toBe('pass');
    expect(body.program).toBe('steam-134-4');
    expect(body.criteria.find((c) => c.id === 'saturated_steam')?.pass).toBe(true);
    expect(body.criteria.find((c) => c.id === 'hold_time')?.pass).toBe(true);
    expect(body.info.sterilizer).toBe('SZ-03');
    expect(body.curve.t_s.length).toBeGreaterThan(900);
    expect(body.raw.lines).toBeGreaterThan(900);

    // the signature verifies with the key the gateway announces in its retained status
    const status = await ac.rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/status` && (m.json as { online?: boolean }).online === true);
    const { publicKey, keyId } = status.json as { publicKey: string; keyId: string };
    expect(rec.keyId).toBe(keyId);
    expect(computeRecordHash(rec)).toBe(rec.hash);
    expect(verifyRecord(rec, publicKey)).toEqual({ ok: true });

    expect(ac.rig.sub.filter((m) => m.topic === `${ROOT_TOPIC}/device/AC-01/telemetry`).length).toBeGreaterThan(100);
    const tele = ac.rig.sub
      .filter((m) => m.topic === `${ROOT_TOPIC}/device/AC-01/telemetry`)
      .map((m) => m.json as { phase: string; tsat_c?: number; temp_c: number });
    const plateau = tele.find((t) => t.phase === 'sterilizing' && t.tsat_c !== undefined);
    expect(Math.abs((plateau?.tsat_c ?? 0) - (plateau?.temp_c ?? 99))).toBeLessThan(2);
    expect(ac.rig.sub.filter((m) => m.topic === `${ROOT_TOPIC}/device/AC-01/state`).some((m) => (m.json as { connected: boolean }).connected)).toBe(true);

    // a subscriber arriving later gets the retained status and device state
    const late = await MqttCollector.connect(ac.rig.broker.url, `${ROOT_TOPIC}/#`);
    try {
      const st = await late.waitFor((m) => m.topic === `${ROOT_TOPIC}/status`);
      expect(st.retain).toBe(true);
      await late.waitFor((m) => m.topic === `${ROOT_TOPIC}/device/AC-01/state` && m.retain);
    } finally {
      await late.client.endAsync(true);
    }
  }, 60_000);

  it('raises one clock-drift alarm: the simulator clock runs 300x', async () => {
    const alarm = await ac.rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/records/alarm`);
    const body = (alarm.json as SignedRecord).body as { code: string; text: string };
    expect(body.code).toBe('clock-drift');
    expect(body.text).toMatch(/device clock ahead of the gateway by \d+ s \(limit 300 s\)/);
    expect(ac.rig.sub.filter((m) => m.topic === `${ROOT_TOPIC}/records/alarm`)).toHaveLength(1);
  });

  it('fails a cycle with non-condensable gas on saturated_steam and names it', async () => {
    const before = cycleRecords().length;
    const sim = startSimulator('autoclave', { serial: ac.pty.dev, program: 'steam-134-4', speed: 300, cycles: 1, fault: 'air', seed: 7 });
    expect(await sim.exited).toBe(0);
    await ac.rig.sub.waitFor(() => cycleRecords().length > before, 30_000);
    const rec = cycleRecords()[before] as SignedRecord;
    const body = rec.body as { verdict: string; criteria: { id: string; pass: boolean | null; measured: number }[] };
    expect(body.verdict).toBe('fail');
    const sat = body.criteria.find((c) => c.id === 'saturated_steam');
    expect(sat?.pass).toBe(false);
    expect(sat?.measured).toBeLessThan(-2); // measured T below Tsat(p): air
    expect(rec.seq).toBeGreaterThan((cycleRecords()[before - 1] as SignedRecord).seq);
  }, 60_000);

  it('stops cleanly, and db verify passes, catches a flipped verdict, and export re-verifies', async () => {
    expect(await ac.rig.gw.kill('SIGTERM')).toBe(0);
    await ac.rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/status` && (m.json as { online?: boolean }).online === false);

    const ok = runCli(['db', 'verify', '--data-dir', ac.rig.dataDir]);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    // 2 cycles, a clock-drift alarm per simulator run (each run starts its clock at the gateway's time),
    // and a release decision per cycle: everything stored was published
    const published = ac.rig.sub.filter((m) => m.topic.includes('/records/')).map((m) => m.json as SignedRecord);
    const types = published.map((r) => r.type).sort();
    expect(types).toEqual(['alarm', 'alarm', 'cycle', 'cycle', 'release', 'release']);
    expect(ok.stdout).toMatch(/^intact: 6 records/);
    // no Bowie–Dick test ran today: the passing cycle's load is quarantined by the daily gate, the failed one for its verdict
    const releases = published.filter((r) => r.type === 'release').map((r) => r.body as { status: string; reasonCode: string });
    expect(releases.map((r) => `${r.status}:${r.reasonCode}`)).toEqual(['quarantined:bowie-dick-missing', 'quarantined:cycle-failed']);

    // the exported curve is the trace format, and the file as written re-verifies to the gateway's verdict,
    // criterion by criterion (the pass and the air cycle)
    const csv = runCli(['db', 'export', '--data-dir', ac.rig.dataDir, '--type', 'cycle', '--format', 'csv']);
    expect(csv.status).toBe(0);
    const chunks = csv.stdout.split(/^(?=# record seq )/m).filter((c) => c.startsWith('# record'));
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatch(/verdict pass/);
    expect(chunks[0]).toMatch(/^# result: ok$/m);
    const stored = published.filter((r) => r.type === 'cycle');
    for (const rec of stored) {
      const traceFile = path.join(ac.rig.dir, `cycle-${rec.seq}.csv`);
      const one = runCli(['db', 'export', '--data-dir', ac.rig.dataDir, '--seq', String(rec.seq), '--format', 'csv']);
      expect(one.status, one.stderr).toBe(0);
      fs.writeFileSync(traceFile, one.stdout);
      const re = runCli(['verify-trace', traceFile, '--program', 'steam-134-4', '--volume-l', '300', '--json']);
      const body = rec.body as { verdict: string; criteria: { id: string; pass: boolean | null }[] };
      expect(re.status, re.stderr).toBe(body.verdict === 'pass' ? 0 : 1);
      const again = JSON.parse(re.stdout) as { verdict: string; criteria: { id: string; pass: boolean | null }[] };
      expect(again.verdict).toBe(body.verdict);
      expect(again.criteria.map((c) => [c.id, c.pass])).toEqual(body.criteria.map((c) => [c.id, c.pass]));
    }
    // the whole export (two cycles) is refused as one trace, naming the way to take one
    fs.writeFileSync(path.join(ac.rig.dir, 'all.csv'), csv.stdout);
    const both = runCli(['verify-trace', path.join(ac.rig.dir, 'all.csv'), '--program', 'steam-134-4']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/a second trace starts here.*--seq N/);

    const jsonl = runCli(['db', 'export', '--data-dir', ac.rig.dataDir, '--type', 'cycle']);
    expect(jsonl.stdout.trim().split('\n')).toHaveLength(2);

    // an attacker flips the first verdict directly in the file
    const db = new Database(path.join(ac.rig.dataDir, 'sterilink.db'));
    const row = db.prepare('select seq, json from records where json like \'%"verdict":"pass"%\' order by seq limit 1').get() as { seq: number; json: string };
    db.prepare('update records set json = ? where seq = ?').run(row.json.replace('"verdict":"pass"', '"verdict":"fail"'), row.seq);
    db.close();
    const bad = runCli(['db', 'verify', '--data-dir', ac.rig.dataDir]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`records seq ${row.seq}`);
  }, 60_000);
});
