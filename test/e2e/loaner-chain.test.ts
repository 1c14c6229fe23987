// A loaner set through the whole chain with real processes, as a CSSD runs it: the built CLI (`sterilink run`), a
// private Mosquitto, simulated scanners at the loaner desk, the washer and the sterilizer, a simulated washer and
// autoclave printing their tickets, and a simulated BI reader, each on its own PTY (socat). Receipt -> washer cycle ->
// packing check -> sterilizer cycle (an implant load held for its BI, the operation due before the BI can read) ->
// early release -> BI negative (the operating room's state confirms it) -> return; then `sterilink loaner show`
// prints that timeline from the store while the gateway runs, and every payload validates against its schema.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../drivers/scanner/barcode/index.js';
import type { LoanerRecordBody, LoanerStatePayload } from '../../gateway/load/loaner-record.js';
import type { SignedRecord } from '../../gateway/store/index.js';
import { type Proc, type PtyPair, ptyPair, runCli, startCli, tempDir } from '../helpers/cli.js';
import { type GatewayRig, startGatewayRig } from '../helpers/gateway-rig.js';
import { MqttCollector } from '../helpers/mosquitto.js';
import { assertPayloadValid } from '../helpers/payload-schemas.js';

const ROOT_TOPIC = 'sterilink/v1/ln/gw1';
const gtin = (base13: string) => `${base13}${gs1CheckDigit(base13)}`;
const SCREW = gtin('0761234500002');
const BI_GTIN = gtin('0401234599999');
/** The BI reader simulator's default script reads lot A2301: a positive control, then vial SN0001 negative. */
const BI_VIAL = `(01)${BI_GTIN}(17)271231(10)A2301(21)SN0001`;

describe('a loaner set end to end: simulators, real processes, Mosquitto, the built CLI', () => {
  let dir: string;
  let rig: GatewayRig;
  const pty: Record<string, PtyPair> = {};
  const procs: Proc[] = [];

  beforeAll(async () => {
    dir = tempDir('sl-loaner-e2e-');
    for (const name of ['ac', 'wd', 'sc1', 'sc2', 'desk', 'bi']) pty[name] = await ptyPair(dir, name);
    const serial = (p: PtyPair) => ({ path: p.gw, baudRate: 9600 });
    rig = await startGatewayRig({
      dir,
      site: 'ln',
      devices: [
        {
          id: 'AC-01',
          type: 'steam-sterilizer',
          driver: 'printer-line',
          serial: serial(pty.ac as PtyPair),
          program: 'steam-134-4',
          clockDriftAlarmS: 0,
          dailyBowieDick: false,
        },
        { id: 'WD-01', type: 'washer-disinfector', driver: 'printer-line', serial: serial(pty.wd as PtyPair), program: 'washer-a0-3000', clockDriftAlarmS: 0 },
        { id: 'SC-01', type: 'scanner', driver: 'scanner-line', serial: serial(pty.sc1 as PtyPair), station: 'AC-01' },
        { id: 'SC-02', type: 'scanner', driver: 'scanner-line', serial: serial(pty.sc2 as PtyPair), station: 'WD-01' },
        { id: 'SC-LN', type: 'scanner', driver: 'scanner-line', serial: serial(pty.desk as PtyPair), station: 'LOANER-DESK' },
        { id: 'BI-01', type: 'bi-reader', driver: 'bi-reader', serial: serial(pty.bi as PtyPair) },
      ],
      extra: {
        release: {
          timeZone: 'UTC',
          authorisedOperators: ['SUP1'],
          reasons: { TRAUMA: 'Trauma surgery; the patient cannot wait for the BI result' },
          implants: { gtinPrefixes: ['0761234'] },
          biProducts: { gtins: [BI_GTIN] },
        },
        loaner: { desks: ['LOANER-DESK'], vendors: { MEDI: { name: 'MediOrtho GmbH', representatives: ['V-0042'] } }, biReadoutMin: 180 },
      },
    });
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await rig?.close();
    for (const p of Object.values(pty)) await p.close();
  });

  const records = (type: string) =>
    rig.sub.filter((m) => m.topic === `${ROOT_TOPIC}/records/${type}`).map((m) => m.json as SignedRecord & { historical?: true });
  const loaner = () => records('loaner').map((r) => r.body as unknown as LoanerRecordBody);
  const hasStep = (step: string, status?: string) => () => loaner().some((b) => b.step === step && (status === undefined || b.status === status));
  const until = (pred: () => boolean, what: string, ms = 30_000) =>
    rig.sub
      .waitFor(() => pred(), ms)
      .catch(() => {
        throw new Error(
          `${what} did not happen; loaner steps so far: ${loaner()
            .map((b) => `${b.step}/${b.status}`)
            .join(', ')}`,
        );
      });
  const states = () => rig.sub.filter((m) => m.topic === `${ROOT_TOPIC}/loaner/LN-0042/state`).map((m) => m.json as LoanerStatePayload);

  /** Types the codes on a scanner (a simulator process on its PTY) and waits until the gateway recorded each scan. */
  async function scan(p: PtyPair, scanner: string, codes: string[]): Promise<void> {
    const before = records('scan').filter((r) => r.device === scanner).length;
    const script = path.join(dir, `scan-${scanner}-${before}.txt`);
    fs.writeFileSync(script, `${codes.join('\n')}\n`);
    const sim = startCli(['simulate', 'scanner', '--serial', p.dev, '--script', script, '--interval', '40']);
    procs.push(sim);
    expect(await sim.exited).toBe(0);
    await until(() => records('scan').filter((r) => r.device === scanner).length >= before + codes.length, `${codes.length} scans on ${scanner}`);
  }

  async function run(args: string[]): Promise<void> {
    const sim = startCli(args);
    procs.push(sim);
    expect(await sim.exited).toBe(0);
  }

  it('receipt -> washer -> packing -> sterilizer -> early release -> BI -> return, published step by step', async () => {
    // due in one hour: before a 3 h BI can read
    const due = new Date(Date.now() + 3600_000).toISOString().replace(/\D/g, '').slice(0, 12);
    await scan(pty.desk as PtyPair, 'SC-LN', [
      'OP:OP1',
      'VR:V-0042',
      'CMD:LOANER-RECEIVE',
      'LN-0042',
      'CASE:OP-2026-0042',
      `CNT:${SCREW}:6`,
      'CNT:DRILL-3:2',
      `DUE:${due}`,
      'CMD:LOANER-DONE',
    ]);
    await until(hasStep('received'), 'the receipt');

    await scan(pty.sc2 as PtyPair, 'SC-02', ['OP:OP2', 'LN-0042']);
    await run(['simulate', 'washer', '--serial', (pty.wd as PtyPair).dev, '--program', 'washer-a0-3000', '--speed', '300', '--cycles', '1']);
    await until(hasStep('cleaned', 'cleaned'), 'the passing wash', 40_000);

    await scan(pty.desk as PtyPair, 'SC-LN', [
      'OP:OP2',
      'CMD:LOANER-PACK',
      'LN-0042',
      `CNT:${SCREW}:6`,
      'DRILL-3',
      'DRILL-3',
      'CMD:LOANER-CI',
      'CMD:LOANER-DONE',
    ]);
    await until(hasStep('packed', 'packed'), 'the packing check');

    await scan(pty.sc1 as PtyPair, 'SC-01', ['OP:OP2', 'LN-0042', BI_VIAL]);
    await run(['simulate', 'autoclave', '--serial', (pty.ac as PtyPair).dev, '--program', 'steam-134-4', '--speed', '300', '--cycles', '1']);
    await until(() => loaner().some((b) => b.step === 'release' && b.release?.status === 'awaiting-bi'), 'the hold for the BI', 40_000);
    const alarms = records('alarm').map((r) => r.body as { code: string; text: string });
    expect(alarms.find((a) => a.code === 'loaner-due-before-bi')?.text).toMatch(/LN-0042.*before its BI can read/);
    // the set made its sterilizer load an implant load
    const cycle = records('cycle').find((r) => r.device === 'AC-01')?.body as { load: { implant: boolean; items: { loanerSet?: string }[] } };
    expect(cycle.load.implant).toBe(true);
    expect(cycle.load.items.map((i) => i.loanerSet)).toEqual(['LN-0042']);

    await scan(pty.sc1 as PtyPair, 'SC-01', ['OP:SUP1', 'CMD:CI5-PASS', 'CMD:REASON:TRAUMA', 'CMD:EARLY-RELEASE']);
    await until(() => states().some((s) => s.status === 'released_early' && s.usable), 'the early release on the retained state');

    await run(['simulate', 'bi-reader', '--serial', (pty.bi as PtyPair).dev, '--speed', '600', '--cycles', '1']);
    await until(
      () => states().some((s) => s.status === 'released' && s.bi?.result === 'negative' && s.bi.valid && s.earlyReleased),
      'the BI confirming it',
      40_000,
    );

    await scan(pty.desk as PtyPair, 'SC-LN', ['OP:OP3', 'VR:V-0042', 'CMD:LOANER-RETURN', 'LN-0042', `CNT:${SCREW}:6`, 'CNT:DRILL-3:2', 'CMD:LOANER-DONE']);
    await until(hasStep('returned', 'returned'), 'the return');

    expect(loaner().map((b) => b.step)).toEqual(['received', 'washing', 'cleaned', 'packed', 'sterilizing', 'release', 'release', 'bi', 'release', 'returned']);
    expect(loaner().every((b) => b.set === 'LN-0042' && b.caseRef === 'OP-2026-0042')).toBe(true);
    expect(states().at(-1)).toMatchObject({ status: 'returned', holds: [], usable: false, earlyReleased: true, bi: { result: 'negative', valid: true } });

    // the retained state is there for whoever subscribes later (the operating room's screen)
    const late = await MqttCollector.connect(rig.broker.url, `${ROOT_TOPIC}/loaner/+/state`);
    const retained = await late.waitFor((m) => m.retain);
    await late.close();
    expect(retained.json).toMatchObject({ set: 'LN-0042', status: 'returned' });

    // every payload the gateway published validates against its schema
    for (const m of rig.sub.messages) assertPayloadValid(m.topic, m.json);
  }, 240_000);

  it('sterilink loaner show prints the timeline from the store while the gateway runs', () => {
    const help = runCli(['loaner', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--data-dir/);
    const r = runCli(['loaner', 'show', 'LN-0042', '--data-dir', rig.dataDir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/loaner set LN-0042 .*case OP-2026-0042 .*vendor MEDI/);
    const steps = r.stdout
      .split('\n')
      .filter((l) => /^ {2}\d{4}-/.test(l))
      .map((l) => l.trim().split(/\s+/)[2]);
    expect(steps).toEqual(['received', 'washing', 'cleaned', 'packed', 'sterilizing', 'release', 'release', 'bi', 'release', 'returned']);
    expect(r.stdout).not.toMatch(/INTEGRITY CHECK FAILED/);
    // the config's store and the environment's, like report
    expect(runCli(['loaner', 'show', 'LN-0042', '--config', rig.cfg]).status).toBe(0);
    expect(runCli(['loaner', 'show', 'LN-0042'], { env: { STERILINK_DATA_DIR: rig.dataDir } }).status).toBe(0);
    const json = runCli(['loaner', 'show', 'LN-0042', '--json', '--data-dir', rig.dataDir]);
    expect((JSON.parse(json.stdout) as SignedRecord[]).map((x) => x.type)).toEqual(Array(10).fill('loaner'));
    expect(runCli(['loaner', 'show', 'LN-9999', '--data-dir', rig.dataDir]).status).toBe(2);
    expect(runCli(['loaner', 'list']).status).toBe(2);
  });

  it('a restarted gateway publishes the retained state again (a broker that lost it gets it back)', async () => {
    const topic = `${ROOT_TOPIC}/loaner/LN-0042/state`;
    expect(await rig.gw.kill('SIGTERM')).toBe(0);
    // the broker forgets the retained state (as one restarted without persistence would)
    await rig.sub.client.publishAsync(topic, '', { qos: 1, retain: true });
    const before = rig.sub.messages.length;
    await rig.restart();
    const again = await rig.sub.waitFor((m) => rig.sub.messages.indexOf(m) >= before && m.topic === topic && m.payload.length > 0, 20_000);
    expect(again.json).toMatchObject({ set: 'LN-0042', status: 'returned', caseRef: 'OP-2026-0042' });
    assertPayloadValid(again.topic, again.json);
  });
});
