// Sterilizer formats other than the default ticket, end to end through the gateway: a Chinese ticket in
// GB18030 on a PTY, a summary-only ticket (SciCan-like) and a 1 Hz stream (AMSCO-like) on TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../gateway/store/index.js';
import { type Proc, type PtyPair, ptyPair, startSimulator, tempDir } from '../helpers/cli.js';
import { type GatewayRig, startGatewayRig } from '../helpers/gateway-rig.js';
import { freePort } from '../helpers/mosquitto.js';

const ROOT_TOPIC = 'sterilink/v1/fmt/gw1';
type Crit = { id: string; pass: boolean | null; detail: string };
type Body = {
  verdict: string;
  program: string;
  basis: string;
  criteria: Crit[];
  info: Record<string, string>;
  end: { status: string | null };
  cycleNo: number | null;
};

describe('printer-line profiles through the gateway', () => {
  let rig: GatewayRig;
  let pty: PtyPair;
  let scicanPort: number;
  let amscoPort: number;
  const procs: Proc[] = [];

  beforeAll(async () => {
    const dir = tempDir();
    pty = await ptyPair(dir, 'zh');
    [scicanPort, amscoPort] = await Promise.all([freePort(), freePort()]);
    rig = await startGatewayRig({
      dir,
      site: 'fmt',
      devices: [
        {
          id: 'ZH-01',
          type: 'steam-sterilizer',
          driver: 'printer-line',
          profile: 'prevac-ticket-zh',
          serial: { path: pty.gw },
          program: 'steam-134-4',
          clockDriftAlarmS: 0,
        },
        {
          id: 'SC-02',
          type: 'steam-sterilizer',
          driver: 'printer-line',
          profile: 'scican-summary',
          tcp: { host: '127.0.0.1', port: scicanPort },
          program: 'steam-134-4',
          clockDriftAlarmS: 0,
        },
        {
          id: 'LS-01',
          type: 'steam-sterilizer',
          driver: 'printer-line',
          profile: 'amsco-ls',
          tcp: { host: '127.0.0.1', port: amscoPort },
          program: 'steam-134-4',
          clockDriftAlarmS: 0,
        },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await rig?.close();
    await pty?.proc.kill('SIGKILL');
  });

  const cycleOf = (device: string) =>
    rig.sub
      .filter((m) => m.topic === `${ROOT_TOPIC}/records/cycle` && (m.json as SignedRecord).device === device)
      .map((m) => (m.json as SignedRecord).body as Body);

  it('reads a Chinese GB18030 ticket and verifies it', async () => {
    procs.push(startSimulator('autoclave', { serial: pty.dev, profile: 'prevac-ticket-zh', program: 'steam-134-4', speed: 300, cycles: 1, name: 'SZ-09' }));
    await rig.sub.waitFor(() => cycleOf('ZH-01').length >= 1, 40_000);
    const body = cycleOf('ZH-01')[0] as Body;
    expect(body.verdict).toBe('pass');
    expect(body.program).toBe('steam-134-4');
    expect(body.info.sterilizer).toBe('SZ-09');
    expect(body.end.status).toBe('ok');
  }, 60_000);

  it('verifies what a summary ticket proves and marks the rest not provable', async () => {
    procs.push(startSimulator('autoclave', { tcp: scicanPort, profile: 'scican-summary', program: 'steam-134-4', speed: 300, cycles: 1, waitClient: true }));
    await rig.sub.waitFor(() => cycleOf('SC-02').length >= 1, 40_000);
    const body = cycleOf('SC-02')[0] as Body;
    expect(body.basis).toBe('summary');
    const crit = new Map(body.criteria.map((c) => [c.id, c]));
    expect(crit.get('temp_band')?.pass).toBe(true);
    expect(crit.get('saturated_steam')?.pass).toBe(true);
    // the ticket prints when sterilizing and drying started, not the hold itself: an upper bound only
    expect(crit.get('hold_time')).toMatchObject({ pass: null, detail: expect.stringMatching(/^summary ticket: not provable: at most \d+ s/) });
    expect(crit.get('data_complete')).toMatchObject({ pass: null, detail: 'summary ticket: not provable' });
    expect(crit.get('device_result')?.pass).toBe(true);
    expect(body.verdict).toBe('pass'); // steam-134-4 has no requireProof: nothing proven false
  }, 60_000);

  it('segments a 1 Hz stream into cycles (a cycle ends when the next one starts, or after silence); an inferred end does not prove completion', async () => {
    procs.push(startSimulator('autoclave', { tcp: amscoPort, profile: 'amsco-ls', program: 'steam-134-4', speed: 300, cycles: 3, waitClient: true }));
    await rig.sub.waitFor(() => cycleOf('LS-01').length >= 2, 50_000);
    // The gateway joined the stream as it began: it cannot know the first cycle began there, so it does not claim it.
    const joined = cycleOf('LS-01')[0] as Body & { headerSeen: boolean };
    expect(joined.headerSeen).toBe(false);
    expect(joined.verdict).toBe('fail');
    // The second cycle starts after the machine's silence between loads: seen whole.
    const body = cycleOf('LS-01')[1] as Body;
    const crit = new Map(body.criteria.map((c) => [c.id, c]));
    expect(crit.get('hold_time')?.pass).toBe(true);
    expect(crit.get('saturated_steam')?.pass).toBe(true);
    // flag fell, then silence: a power loss in drying looks the same, so the cycle is not shown to have completed
    expect(crit.get('device_result')?.pass).toBe(false);
    expect(crit.get('device_result')?.detail).toMatch(/inferred/);
    expect(body.criteria.filter((c) => c.pass === false).map((c) => c.id)).toEqual(['device_result']);
    expect(body.verdict).toBe('fail');
  }, 70_000);
});
