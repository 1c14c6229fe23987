// `sterilink watch`'s screen: model + terminal size -> text (pure, no terminal).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plotChart } from '../../cli/watch/chart.js';
import { type RenderOptions, renderScreen } from '../../cli/watch/render.js';
import { visibleWidth } from '../../cli/watch/text.js';
import { updateLine } from '../../cli/watch/update-line.js';
import { WatchModel } from '../../cli/watch/watch-model.js';

const ROOT = 'sterilink/v1/acc/gw1';
const T0 = Date.parse('2025-03-01T09:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
const ESC = '\x1b';

/** A sterilizer 120 s into its 240 s hold, a washer between cycles, and two verdicts. */
function scene(root = ROOT): WatchModel {
  const m = new WatchModel();
  m.apply(`${root}/status`, JSON.stringify({ online: true, version: '0.1.0', startedAt: iso(-3600), keyId: 'k-2f9a', publicKey: 'MCow' }));
  m.apply(`${root}/device/AC-01/state`, JSON.stringify({ connected: true, phase: 'sterilizing', program: 'steam-134-4', cycleNo: 1042, since: iso(0) }));
  m.apply(`${root}/device/WD-01/state`, JSON.stringify({ connected: false, phase: 'idle', program: null, cycleNo: null, since: iso(0) }));
  for (let s = 0; s <= 420; s++) {
    const phase = s < 300 ? 'heating' : 'sterilizing';
    const temp_c = s < 300 ? 20 + (s * 114.5) / 300 : 134.6;
    m.apply(`${root}/device/AC-01/telemetry`, JSON.stringify({ ts: iso(s), temp_c, pressure_kpa: 313.2, tsat_c: 134.3, phase, cycleNo: 1042 }));
  }
  const rec = (id: string, seq: number, cycleNo: number, verdict: string, failed: string[]) =>
    m.apply(
      `${root}/records/cycle`,
      JSON.stringify({
        id,
        seq,
        type: 'cycle',
        ts: iso(-7200 + seq * 60),
        device: 'AC-01',
        body: {
          program: 'steam-134-4',
          cycleNo,
          verdict,
          criteria: failed.map((c) => ({ id: c, pass: false })),
          hold: { seconds: 200 },
          endedAt: iso(-7200 + seq * 60),
        },
      }),
    );
  rec('r1', 1, 1040, 'pass', []);
  rec('r2', 2, 1041, 'fail', ['hold_time', 'saturated_steam']);
  return m;
}

const base: RenderOptions = {
  width: 80,
  height: 30,
  color: false,
  unicode: true,
  title: 'mqtt://127.0.0.1:1883',
  clock: '09:07:00',
  timeZone: 'UTC',
  hint: 'Ctrl-C quits',
};

describe('watch screen', () => {
  it('shows a header, the gateway, one row per device with phase, temperature, ΔTsat and hold 120/240, the chart and the verdicts', () => {
    const screen = renderScreen(scene(), base);
    const lines = screen.split('\n');
    expect(lines[0]).toMatch(/^sterilink watch {2}mqtt:\/\/127\.0\.0\.1:1883 +09:07:00$/);
    expect(screen).toContain('gateway acc/gw1  online  v0.1.0  key k-2f9a');
    const head = lines.find((l) => l.startsWith('DEVICE'))!;
    expect(head.split(/\s+/)).toEqual(['DEVICE', 'LINK', 'PHASE', 'PROGRAM', 'CYCLE', '°C', 'kPa', 'ΔTsat', 'HOLD', 's', 'LAST']);
    const ac = lines.find((l) => l.startsWith('AC-01 '))!;
    expect(ac.split(/\s+/)).toEqual(['AC-01', 'up', 'sterilizing', 'steam-134-4', '1042', '134.6', '313.2', '+0.3', '120/240', '✓✗']);
    expect(lines.find((l) => l.startsWith('WD-01 '))!.split(/\s+/)).toEqual(['WD-01', 'down', 'idle', '-', '-', '-', '-', '-', '-', '-']);
    expect(screen).toContain('AC-01 · cycle 1042 · steam-134-4 · drain °C · 7.0 min · running');
    expect(screen).toMatch(/ 134\.6┤[\u2800-\u28ff]+/);
    expect(screen).toMatch(/ {2}20\.0┤[\u2800-\u28ff]+/);
    expect(screen).toContain(
      'Last verdicts\n07:02  AC-01  #1041  steam-134-4  FAIL  hold_time, saturated_steam  hold 200 s\n07:01  AC-01  #1040  steam-134-4  PASS  hold 200 s\n',
    );
    expect(lines.at(-1)).toBe('426 messages · Ctrl-C quits');
    expect(screen).not.toContain(ESC);
  });

  it('fits any width from 40 to 200 columns and never exceeds the height', () => {
    const m = scene();
    fc.assert(
      fc.property(fc.integer({ min: 40, max: 200 }), fc.integer({ min: 3, max: 60 }), fc.boolean(), fc.boolean(), (width, height, color, unicode) => {
        const lines = renderScreen(m, { ...base, width, height, color, unicode }).split('\n');
        expect(lines.length).toBeLessThanOrEqual(height);
        for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(width);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the table and gives up the chart and verdicts first on a short terminal', () => {
    const screen = renderScreen(scene(), { ...base, height: 9 });
    expect(screen).toContain('120/240');
    expect(screen).not.toContain('Last verdicts');
    expect(screen).not.toMatch(/[\u2800-\u28ff]/);
  });

  it('says how many devices are hidden when even the table does not fit', () => {
    const m = new WatchModel();
    for (let i = 0; i < 30; i++)
      m.apply(
        `${ROOT}/device/AC-${String(i).padStart(2, '0')}/state`,
        JSON.stringify({ connected: true, phase: 'idle', program: null, cycleNo: null, since: iso(0) }),
      );
    const screen = renderScreen(m, { ...base, height: 12 });
    expect(screen.split('\n')).toHaveLength(12);
    expect(screen).toMatch(/… 24 more devices/);
  });

  it('colours only when asked, and ASCII only when the terminal is not UTF-8', () => {
    const coloured = renderScreen(scene(), { ...base, color: true });
    expect(coloured).toContain(`${ESC}[32m✓${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[31mFAIL${ESC}[0m`);
    const ascii = renderScreen(scene(), { ...base, unicode: false });
    expect(ascii).toMatch(/^[\x20-\x7e\n]*$/);
    expect(ascii).toContain('120/240');
    expect(ascii).toMatch(/ 134\.6\|[ *-]+/);
    expect(ascii.split('\n').find((l) => l.startsWith('AC-01 '))).toMatch(/PF$/);
  });

  it('prefixes devices with their gateway when several gateways are shown', () => {
    const m = scene();
    m.apply('sterilink/v1/acc/gw2/device/AC-01/state', JSON.stringify({ connected: true, phase: 'idle', program: null, cycleNo: null, since: iso(0) }));
    m.apply('sterilink/v1/acc/gw2/status', JSON.stringify({ online: false }));
    const screen = renderScreen(m, base);
    expect(screen).toContain('gateway acc/gw2  OFFLINE');
    expect(screen).toMatch(/\ngw1\/AC-01 +up /);
    expect(screen).toMatch(/\ngw2\/AC-01 +off /);
  });

  it('cannot be steered by a payload: control characters are shown as "?"', () => {
    const m = new WatchModel();
    m.apply(
      `${ROOT}/device/AC-01/state`,
      JSON.stringify({ connected: true, phase: `\x1b]0;pwned\x07x`, program: '\x1b[2Jsteam', cycleNo: null, since: iso(0) }),
    );
    const screen = renderScreen(m, { ...base, color: true });
    expect(screen.replace(/\x1b\[[0-9;]*m/g, '')).not.toContain(ESC);
    expect(screen).toContain('?]0;pwned?x');
  });

  it('waits visibly when nothing is on the broker yet, and reports invalid payloads', () => {
    const m = new WatchModel();
    expect(renderScreen(m, base)).toContain('no SteriLink device seen yet');
    m.apply(`${ROOT}/device/AC-01/telemetry`, 'garbage');
    expect(renderScreen(m, { ...base, width: 120 })).toMatch(/1 message · 1 invalid \(last sterilink\/v1\/acc\/gw1\/device\/AC-01\/telemetry: not JSON\)/);
  });

  it('prints a line per update for pipes', () => {
    const m = scene();
    const u = m.apply(
      `${ROOT}/device/AC-01/telemetry`,
      JSON.stringify({ ts: iso(421), temp_c: 134.7, pressure_kpa: 313.4, tsat_c: 134.3, phase: 'sterilizing', cycleNo: 1042 }),
    );
    expect(updateLine(m, u, '09:07:01 ')).toBe('09:07:01 acc/gw1/AC-01 sterilizing cycle 1042 134.7 C 313.4 kPa T-Tsat +0.4 K hold 121/240 s');
    const v = m.apply(
      `${ROOT}/records/cycle`,
      JSON.stringify({
        id: 'r3',
        seq: 3,
        device: 'AC-01',
        body: { program: 'steam-134-4', cycleNo: 1042, verdict: 'fail', criteria: [{ id: 'hold_time', pass: false }] },
      }),
    );
    expect(updateLine(m, v, '')).toBe('acc/gw1/AC-01 cycle 1042 steam-134-4 FAIL failed: hold_time');
    expect(updateLine(m, m.apply('x/y', '{}'), '')).toBeNull();
  });
});

describe('chart', () => {
  const bucket = (t: number, v: number) => ({ t0: T0 + t * 1000, t1: T0 + t * 1000, lo: v, hi: v, count: 1 });

  it('draws a rising line as a connected stroke from bottom left to top right', () => {
    const c = plotChart([bucket(0, 20), bucket(100, 134)], { cols: 10, rows: 4, unicode: false })!;
    expect(c.lines).toHaveLength(4);
    expect(c.lines.every((l) => l.length === 10)).toBe(true);
    expect(c.lines[3]![0]).toBe('*');
    expect(c.lines[0]![9]).toBe('*');
    // Every column has a mark: the line is joined across the gap.
    for (let x = 0; x < 10; x++) expect(c.lines.some((l) => l[x] === '*')).toBe(true);
    expect([c.min, c.max]).toEqual([20, 134]);
  });

  it('marks the reference line and includes it in the range', () => {
    const c = plotChart([bucket(0, 100), bucket(10, 110)], { cols: 8, rows: 5, unicode: true, ref: 134 })!;
    expect(c.max).toBe(134);
    expect(c.refRow).toBe(0);
    expect(c.lines.join('')).toMatch(/^[\u2800-\u28ff]+$/);
  });

  it('has nothing to draw without data', () => {
    expect(plotChart([], { cols: 8, rows: 4, unicode: true })).toBeNull();
  });
});

describe('watch tells the truth about cycles and gateways', () => {
  const cycleRecord = (m: WatchModel, o: { root?: string; id: string; seq: number; ts: number; endedAt: number; cycleNo: number; device?: string }) =>
    m.apply(
      `${o.root ?? ROOT}/records/cycle`,
      JSON.stringify({
        id: o.id,
        seq: o.seq,
        type: 'cycle',
        ts: iso(o.ts),
        device: o.device ?? 'AC-01',
        body: { program: 'steam-134-4', cycleNo: o.cycleNo, verdict: 'pass', criteria: [], hold: { seconds: 269 }, endedAt: iso(o.endedAt) },
      }),
    );

  it('shows verdict times on one clock (the record time), newest first, whatever the device clock said', () => {
    const m = new WatchModel();
    // the device clock runs two hours ahead: its end times would put the older cycle after the newer one
    cycleRecord(m, { id: 'a', seq: 1, ts: 0, endedAt: 7200, cycleNo: 1 });
    cycleRecord(m, { id: 'b', seq: 2, ts: 600, endedAt: 600, cycleNo: 2 });
    const screen = renderScreen(m, base);
    const lines = screen.split('\n');
    const first = lines.findIndex((l) => l.startsWith('09:10'));
    expect(first).toBeGreaterThan(-1);
    expect(lines[first]).toContain('#2');
    expect(lines[first + 1]).toMatch(/^09:00 .*#1/);
    expect(screen).not.toContain('11:00');
  });

  it('names devices by gateway when two gateways share a broker, in the table and in the verdicts', () => {
    const m = new WatchModel();
    cycleRecord(m, { root: 'sterilink/v1/acc/gw1', id: 'a', seq: 1, ts: 0, endedAt: 0, cycleNo: 1 });
    cycleRecord(m, { root: 'sterilink/v1/acc/gw2', id: 'b', seq: 1, ts: 60, endedAt: 60, cycleNo: 7 });
    const screen = renderScreen(m, { ...base, width: 120 });
    expect(screen).toMatch(/^09:01 {2}gw2\/AC-01 .*#7/m);
    expect(screen).toMatch(/^09:00 {2}gw1\/AC-01 .*#1/m);
  });

  it('shows the hold of the running cycle only: not the last cycle once its record arrived, not during the next cycle', () => {
    const m = new WatchModel();
    m.apply(`${ROOT}/device/AC-01/state`, JSON.stringify({ connected: true, phase: 'sterilizing', program: 'steam-134-4', cycleNo: 7, since: iso(0) }));
    for (let s = 0; s <= 269; s++) m.apply(`${ROOT}/device/AC-01/telemetry`, JSON.stringify({ ts: iso(s), temp_c: 134.6, phase: 'sterilizing', cycleNo: 7 }));
    m.apply(`${ROOT}/device/AC-01/telemetry`, JSON.stringify({ ts: iso(300), temp_c: 80, phase: 'aeration', cycleNo: 7 }));
    const device = m.devices()[0]!;
    expect(m.holdOf(device).seconds).toBe(269); // cycle 7 in aeration: its own hold
    cycleRecord(m, { id: 'r7', seq: 1, ts: 310, endedAt: 310, cycleNo: 7 });
    m.apply(`${ROOT}/device/AC-01/telemetry`, JSON.stringify({ ts: iso(320), temp_c: 79, phase: 'aeration', cycleNo: 7 }));
    expect(m.holdOf(device)).toMatchObject({ seconds: null, requiredS: 240 }); // recorded: the verdict list has its hold
    m.apply(`${ROOT}/device/AC-01/state`, JSON.stringify({ connected: true, phase: 'conditioning', program: 'steam-134-4', cycleNo: 8, since: iso(400) }));
    expect(m.holdOf(device).seconds).toBeNull(); // cycle 8 has begun, cycle 7's meter is not its hold
  });
});
