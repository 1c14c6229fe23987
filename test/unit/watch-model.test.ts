// `sterilink watch`'s model: MQTT messages in, gateways and devices out (pure, no broker).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurveBuffer } from '../../cli/watch/curve-buffer.js';
import { toSnapshot } from '../../cli/watch/snapshot.js';
import { parseWatchTopic, watchFilters } from '../../cli/watch/topic.js';
import { WatchModel } from '../../cli/watch/watch-model.js';

const ROOT = 'sterilink/v1/acc/gw1';
const T0 = Date.parse('2025-03-01T09:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

function status(m: WatchModel, online = true, root = ROOT) {
  return m.apply(`${root}/status`, JSON.stringify({ online, version: '0.1.0', startedAt: iso(-3600), keyId: 'k-2f9a', publicKey: 'MCow' }));
}
function state(m: WatchModel, o: { program?: string | null; phase?: string; cycleNo?: number | null; connected?: boolean; device?: string } = {}) {
  return m.apply(
    `${ROOT}/device/${o.device ?? 'AC-01'}/state`,
    JSON.stringify({
      connected: o.connected ?? true,
      phase: o.phase ?? 'heating',
      program: o.program === undefined ? 'steam-134-4' : o.program,
      cycleNo: o.cycleNo === undefined ? 1042 : o.cycleNo,
      since: iso(0),
    }),
  );
}
function sample(
  m: WatchModel,
  s: number,
  temp_c: number,
  phase: string | null,
  o: { cycleNo?: number | null; temp2_c?: number; device?: string; pressure_kpa?: number; tsat_c?: number } = {},
) {
  return m.apply(
    `${ROOT}/device/${o.device ?? 'AC-01'}/telemetry`,
    JSON.stringify({
      ts: iso(s),
      temp_c,
      phase,
      cycleNo: o.cycleNo === undefined ? 1042 : o.cycleNo,
      ...(o.temp2_c !== undefined ? { temp2_c: o.temp2_c } : {}),
      ...(o.pressure_kpa !== undefined ? { pressure_kpa: o.pressure_kpa, tsat_c: o.tsat_c } : {}),
    }),
  );
}
function record(
  m: WatchModel,
  o: { id: string; seq: number; cycleNo: number; verdict: 'pass' | 'fail'; failed?: string[]; device?: string; historical?: boolean },
) {
  const criteria = ['hold_time', 'temp_band', 'saturated_steam'].map((id) => ({
    id,
    pass: !(o.failed ?? []).includes(id),
    measured: 1,
    limit: 1,
    unit: 's',
    detail: '',
  }));
  return m.apply(
    `${ROOT}/records/cycle`,
    JSON.stringify({
      schema: 'sterilink/record/v1',
      id: o.id,
      seq: o.seq,
      type: 'cycle',
      ts: iso(o.seq * 60),
      site: 'acc',
      gateway: 'gw1',
      device: o.device ?? 'AC-01',
      body: { program: 'steam-134-4', cycleNo: o.cycleNo, verdict: o.verdict, criteria, hold: { start: 0, end: 250, seconds: 250 }, endedAt: iso(o.seq * 60) },
      prevHash: 'x',
      hash: 'y',
      sig: 'z',
      keyId: 'k-2f9a',
      ...(o.historical ? { historical: true } : {}),
    }),
  );
}
const device = (m: WatchModel, id = 'AC-01') => toSnapshot(m).devices.find((d) => d.id === id)!;

describe('watch topics', () => {
  it('reads status, device state/telemetry and records; anything else is "other" or not ours', () => {
    expect(parseWatchTopic(`${ROOT}/status`)).toEqual({ kind: 'status', site: 'acc', gateway: 'gw1' });
    expect(parseWatchTopic(`${ROOT}/device/AC-01/telemetry`)).toEqual({ kind: 'telemetry', site: 'acc', gateway: 'gw1', device: 'AC-01' });
    expect(parseWatchTopic(`${ROOT}/records/cycle`)).toEqual({ kind: 'records', site: 'acc', gateway: 'gw1', recordType: 'cycle' });
    expect(parseWatchTopic(`${ROOT}/reply/replay`)?.kind).toBe('other');
    expect(parseWatchTopic('sterilink/v2/acc/gw1/status')).toBeNull();
    expect(parseWatchTopic('sterilink/v1/a b/gw1/status')).toBeNull();
  });

  it('subscribes to what the view shows, for every site or one site/gateway', () => {
    expect(watchFilters()).toEqual(['sterilink/v1/+/+/status', 'sterilink/v1/+/+/device/+/+', 'sterilink/v1/+/+/records/cycle']);
    expect(watchFilters('acc', 'gw1')[0]).toBe('sterilink/v1/acc/gw1/status');
  });
});

describe('watch model', () => {
  it('folds retained status and state into gateways and devices', () => {
    const m = new WatchModel();
    expect(status(m).kind).toBe('status');
    expect(state(m, { phase: 'sterilizing', cycleNo: 1042 }).kind).toBe('state');
    state(m, { device: 'WD-01', program: null, phase: 'idle', cycleNo: null, connected: false });
    const snap = toSnapshot(m);
    expect(snap.gateways).toEqual([{ site: 'acc', gateway: 'gw1', online: true, version: '0.1.0', keyId: 'k-2f9a', startedAt: iso(-3600) }]);
    expect(snap.devices.map((d) => d.id)).toEqual(['AC-01', 'WD-01']);
    expect(device(m)).toMatchObject({
      gateway: 'gw1',
      site: 'acc',
      link: 'up',
      connected: true,
      phase: 'sterilizing',
      program: 'steam-134-4',
      cycleNo: 1042,
      hold_s: null,
      hold_required_s: 240,
    });
    expect(device(m, 'WD-01')).toMatchObject({ link: 'down', program: null, hold_required_s: null });
  });

  it('shows every device of a gateway whose status went offline as offline', () => {
    const m = new WatchModel();
    state(m);
    status(m, false);
    expect(device(m).link).toBe('offline');
    status(m, true);
    expect(device(m).link).toBe('up');
  });

  it('takes temperature, pressure and T − Tsat from the last sample, and the phase from the newer of state and sample', () => {
    const m = new WatchModel();
    state(m, { phase: 'heating' });
    sample(m, 0, 134.6, 'sterilizing', { pressure_kpa: 313.2, tsat_c: 134.3, temp2_c: 134.4 });
    expect(device(m)).toMatchObject({ phase: 'sterilizing', temp_c: 134.6, temp2_c: 134.4, pressure_kpa: 313.2, tsat_diff_k: 0.3, ts: iso(0) });
    state(m, { phase: 'exhaust' });
    expect(device(m).phase).toBe('exhaust');
  });

  it('counts time in hold: continuous seconds in [set, set + band] in the sterilizing phase, against the program minimum', () => {
    const m = new WatchModel();
    state(m, { program: 'steam-134-4' });
    for (let s = 0; s < 60; s++) sample(m, s, 80 + s, 'heating');
    expect(device(m)).toMatchObject({ hold_s: 0, hold_required_s: 240 });
    for (let s = 60; s <= 180; s++) sample(m, s, 134.8, 'sterilizing');
    expect(device(m)).toMatchObject({ hold_s: 120, hold_required_s: 240 });
    // Above the band: the run ends and the counter starts again from the next sample in band.
    sample(m, 181, 137.4, 'sterilizing');
    expect(device(m).hold_s).toBe(0);
    for (let s = 182; s <= 192; s++) sample(m, s, 135, 'sterilizing');
    expect(device(m).hold_s).toBe(10);
    // After the plateau the longest run of the cycle stays on screen.
    sample(m, 193, 120, 'exhaust');
    expect(device(m).hold_s).toBe(120);
  });

  it('restarts the hold after a gap longer than the program allows (lost telemetry proves nothing)', () => {
    const m = new WatchModel();
    state(m);
    for (let s = 0; s <= 30; s++) sample(m, s, 135, 'sterilizing');
    expect(device(m).hold_s).toBe(30);
    for (let s = 40; s <= 50; s++) sample(m, s, 135, 'sterilizing');
    expect(device(m).hold_s).toBe(10);
  });

  it('requires the load probe in band too once the cycle has one', () => {
    const m = new WatchModel();
    state(m);
    for (let s = 0; s <= 20; s++) sample(m, s, 135, 'sterilizing', { temp2_c: s < 10 ? 133.5 : 134.5 });
    expect(device(m).hold_s).toBe(10);
  });

  it('uses the washer rule: coldest channel at or above the disinfection temperature in the disinfect phase', () => {
    const m = new WatchModel();
    state(m, { device: 'WD-01', program: 'washer-a0-600', phase: 'disinfect', cycleNo: 77 });
    for (let s = 0; s <= 45; s++) sample(m, s, 93.5, 'disinfect', { device: 'WD-01', cycleNo: 77 });
    expect(device(m, 'WD-01')).toMatchObject({ hold_s: 45, hold_required_s: 60 });
  });

  it('gives the hold a program announced only after the first samples (from then on)', () => {
    const m = new WatchModel();
    sample(m, 0, 135, 'sterilizing');
    expect(device(m).hold_required_s).toBeNull();
    state(m, { phase: 'sterilizing' });
    for (let s = 1; s <= 11; s++) sample(m, s, 135, 'sterilizing');
    expect(device(m)).toMatchObject({ hold_s: 10, hold_required_s: 240 });
  });

  it('has no hold for an unknown program or a leak test', () => {
    const m = new WatchModel();
    state(m, { program: 'site-special-9' });
    sample(m, 0, 135, 'sterilizing');
    expect(device(m)).toMatchObject({ hold_s: null, hold_required_s: null });
    state(m, { device: 'AC-02', program: 'leak-test' });
    expect(device(m, 'AC-02').hold_required_s).toBeNull();
  });

  it('charts one cycle: a new cycle number or a start after "complete" begins a new curve', () => {
    const m = new WatchModel();
    state(m);
    for (let s = 0; s < 10; s++) sample(m, s, 100 + s, 'heating');
    const d = () => m.devices()[0]!;
    expect(d().cycle).toMatchObject({ cycleNo: 1042, running: true, startTs: T0 });
    expect(d().cycle!.curve.length).toBe(10);
    sample(m, 10, 60, 'complete');
    expect(d().cycle!.running).toBe(false);
    sample(m, 11, 40, 'idle', { cycleNo: null });
    expect(d().cycle!.curve.length).toBe(10);
    sample(m, 20, 30, 'conditioning', { cycleNo: 1043 });
    expect(d().cycle).toMatchObject({ cycleNo: 1043, running: true, startTs: T0 + 20_000 });
    expect(d().cycle!.curve.length).toBe(1);
    sample(m, 21, 31, 'conditioning', { cycleNo: 1044 });
    expect(d().cycle!.cycleNo).toBe(1044);
    expect(m.chartDevice()?.id).toBe('AC-01');
  });

  it('picks the chart: the asked-for device, else the latest running cycle', () => {
    const m = new WatchModel();
    sample(m, 0, 100, 'heating', { device: 'AC-01' });
    sample(m, 0, 100, 'heating', { device: 'AC-02' });
    expect(m.chartDevice()?.id).toBe('AC-02');
    sample(m, 1, 101, 'heating', { device: 'AC-01' });
    expect(m.chartDevice()?.id).toBe('AC-01');
    sample(m, 2, 60, 'complete', { device: 'AC-01' });
    expect(m.chartDevice()?.id).toBe('AC-02');
    expect(m.chartDevice('AC-01')?.id).toBe('AC-01');
    expect(m.chartDevice('gw1/AC-01')?.id).toBe('AC-01');
    expect(m.chartDevice('nope')).toBeNull();
  });

  it('keeps the last verdicts per device, newest first by seq, once per record id, with the failed criteria', () => {
    const m = new WatchModel({ verdictsPerDevice: 3 });
    record(m, { id: 'a', seq: 1, cycleNo: 1, verdict: 'pass' });
    record(m, { id: 'c', seq: 3, cycleNo: 3, verdict: 'fail', failed: ['hold_time', 'saturated_steam'] });
    record(m, { id: 'b', seq: 2, cycleNo: 2, verdict: 'pass' });
    record(m, { id: 'd', seq: 4, cycleNo: 4, verdict: 'pass' });
    const again = record(m, { id: 'c', seq: 3, cycleNo: 3, verdict: 'fail', failed: ['hold_time', 'saturated_steam'], historical: true });
    expect(again).toMatchObject({ kind: 'verdict', duplicate: true });
    // An old record replayed after newer ones does not push them out.
    record(m, { id: 'z', seq: 0, cycleNo: 0, verdict: 'fail', historical: true });
    const v = device(m).lastVerdicts;
    expect(v.map((x) => x.cycleNo)).toEqual([4, 3, 2]);
    expect(v[1]).toMatchObject({ verdict: 'fail', failed: ['hold_time', 'saturated_steam'], program: 'steam-134-4', hold_s: 250 });
  });

  it('clears a device or gateway when its retained message is deleted (empty payload)', () => {
    const m = new WatchModel();
    status(m);
    state(m);
    expect(m.apply(`${ROOT}/device/AC-01/state`, '')).toEqual({ kind: 'cleared', topic: `${ROOT}/device/AC-01/state` });
    expect(m.devices()).toHaveLength(0);
    m.apply(`${ROOT}/status`, Buffer.alloc(0));
    expect(m.gateways()).toHaveLength(0);
  });

  it('counts invalid payloads and ignores foreign topics without changing the view', () => {
    const m = new WatchModel();
    state(m);
    const before = JSON.stringify(toSnapshot(m).devices);
    const bad: [string, string][] = [
      [`${ROOT}/device/AC-01/telemetry`, 'not json {'],
      [`${ROOT}/device/AC-01/telemetry`, JSON.stringify({ ts: 'yesterday', temp_c: 1 })],
      [`${ROOT}/device/AC-01/telemetry`, JSON.stringify({ ts: iso(0), temp_c: '134' })],
      [`${ROOT}/device/AC-01/state`, JSON.stringify([1, 2])],
      [`${ROOT}/device/AC-01/state`, JSON.stringify({ connected: 'yes' })],
      [`${ROOT}/status`, 'null'],
      [`${ROOT}/records/cycle`, JSON.stringify({ id: 'x', device: '../etc', body: { verdict: 'pass' } })],
      [`${ROOT}/records/cycle`, JSON.stringify({ id: 'x', device: 'AC-01' })],
    ];
    for (const [t, p] of bad) expect(m.apply(t, p).kind).toBe('invalid');
    expect(m.apply(`${ROOT}/records/release`, '{}').kind).toBe('ignored');
    expect(m.apply('other/topic', '{}').kind).toBe('ignored');
    expect(m.stats).toMatchObject({ messages: bad.length + 3, invalid: bad.length, ignored: 2 });
    expect(m.stats.lastInvalid?.reason).toMatch(/body/);
    expect(JSON.stringify(toSnapshot(m).devices)).toBe(before);
  });

  it('never throws, whatever arrives on whatever topic', () => {
    const topic = fc.oneof(
      fc.constantFrom(`${ROOT}/status`, `${ROOT}/device/AC-01/state`, `${ROOT}/device/AC-01/telemetry`, `${ROOT}/records/cycle`),
      fc.string().map((s) => `${ROOT}/${s}`),
    );
    const value = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({ ts: fc.oneof(fc.string(), fc.integer()), temp_c: fc.double(), phase: fc.string(), cycleNo: fc.anything() }).map((x) => JSON.stringify(x)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(topic, value), { maxLength: 30 }), (msgs) => {
        const m = new WatchModel();
        for (const [t, p] of msgs) m.apply(t, p);
        JSON.stringify(toSnapshot(m));
      }),
      { numRuns: 300 },
    );
  });

  it('bounds devices: a flood of made-up ids is ignored past the limit', () => {
    const m = new WatchModel({ maxDevices: 5 });
    for (let i = 0; i < 20; i++) state(m, { device: `D${i}` });
    expect(m.devices()).toHaveLength(5);
    expect(m.stats.ignored).toBe(15);
  });
});

describe('curve buffer', () => {
  it('stays bounded over a long cycle, spans all of it, and keeps a short excursion', () => {
    const c = new CurveBuffer(600);
    for (let i = 0; i < 7200; i++) c.add(T0 + i * 1000, i === 5000 ? 140 : 134.5);
    expect(c.length).toBeLessThanOrEqual(600);
    expect(c.length).toBeGreaterThan(300);
    expect(c.buckets[0]!.t0).toBe(T0);
    expect(c.buckets.at(-1)!.t1).toBe(T0 + 7199 * 1000);
    expect(Math.max(...c.buckets.map((b) => b.hi))).toBe(140);
    expect(c.buckets.reduce((n, b) => n + b.count, 0)).toBe(7200);
  });

  it('ignores readings out of time order and non-finite values', () => {
    const c = new CurveBuffer(10);
    c.add(T0, 1);
    c.add(T0 - 1, 2);
    c.add(T0 + 1, Number.NaN);
    expect(c.length).toBe(1);
  });
});
