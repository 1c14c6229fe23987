// The watch screen: model + terminal size -> text. A header, the gateways, one row per device (link,
// phase, program, cycle, temperature, pressure, T − Tsat, time in hold versus required, last
// verdicts), a chart of the running cycle's temperature and the last verdicts with their failed
// criteria. Every line fits `width`; the whole fits `height` (the chart and the verdict list give way
// first). Colours only when asked (the command decides: a TTY without NO_COLOR). Pure.

import type { CycleNo } from '../../gateway/publish/payload-readers.js';
import { getProgram } from '../../gateway/verify/programs.js';
import { plotChart } from './chart.js';
import { type Column, layoutTable } from './table.js';
import { cell, clean, clip, fit, makeStyle, type Style, visibleWidth } from './text.js';
import type { DeviceEntry, Link, Verdict, WatchModel } from './watch-model.js';

export interface RenderOptions {
  width: number;
  /** Lines available; Infinity for a printed snapshot. */
  height: number;
  color: boolean;
  /** Braille chart and ✓/✗; false = ASCII only. */
  unicode: boolean;
  /** Shown after the name, e.g. the broker URL and filter. */
  title?: string;
  /** Shown at the right of the header, e.g. the time of this frame. */
  clock?: string;
  /** Broker connection state, when not simply connected. */
  broker?: string | null;
  /** Device for the chart (id, gateway/id or site/gateway/id); default the latest running cycle. */
  chartDevice?: string;
  /** IANA time zone for times in the verdict list; default the process' local zone. */
  timeZone?: string;
  /** Footer hint, e.g. "Ctrl-C quits". */
  hint?: string;
}

const CHART_MAX_ROWS = 8;
const CHART_MIN_ROWS = 3;
const VERDICTS_MAX = 8;

export function renderScreen(model: WatchModel, o: RenderOptions): string {
  const width = Math.max(20, Math.floor(o.width));
  const height = Math.max(3, o.height);
  const st = makeStyle(o.color);
  const ascii = !o.unicode;
  const txt = (s: string) => clean(s, ascii);

  // Header and gateways.
  const head: string[] = [];
  const left = `${st.bold('sterilink watch')}${o.title ? `  ${txt(o.title)}` : ''}`;
  const right = [o.broker ? st.red(txt(o.broker)) : '', o.clock ? txt(o.clock) : ''].filter(Boolean).join('  ');
  const room = width - visibleWidth(left) - visibleWidth(right);
  head.push(clip(right && room >= 2 ? `${left}${' '.repeat(room)}${right}` : left, width));
  const gws = model.gateways();
  if (gws.length <= 3) {
    for (const g of gws) {
      const state = g.online === true ? st.green('online') : g.online === false ? st.red('OFFLINE') : st.dim('no status');
      const bits = [`gateway ${txt(g.key)}`, state];
      if (g.version) bits.push(`v${txt(g.version)}`);
      if (g.keyId) bits.push(`key ${txt(fit(g.keyId, 12, ascii))}`);
      const started = g.startedAt ? Date.parse(g.startedAt) : Number.NaN;
      if (g.online && Number.isFinite(started)) bits.push(`since ${dateTime(started, o.timeZone)}`);
      head.push(clip(bits.join('  '), width));
    }
  } else {
    const off = gws.filter((g) => g.online === false);
    const on = gws.filter((g) => g.online === true).length;
    const line = `gateways: ${on} online, ${off.length} offline${off.length ? ` (${off.map((g) => txt(g.key)).join(', ')})` : ''}`;
    head.push(clip(off.length ? st.red(line) : line, width));
  }
  head.push('');

  // Devices.
  const devices = model.devices();
  const multi = new Set(devices.map((d) => `${d.site}/${d.gateway}`)).size > 1;
  const rows = devices.map((d) => deviceRow(model, d, multi, ascii));
  const columns = deviceColumns(model, devices, st, ascii);
  let table = devices.length
    ? layoutTable(columns, rows, width, { ascii, header: st.bold })
    : [st.dim('no SteriLink device seen yet: waiting for retained status and state on the broker')];
  table = table.map((l) => clip(l, width));

  const footerText = footer(model, o.hint, ascii);
  const foot = ['', clip(model.stats.invalid ? st.yellow(footerText) : st.dim(footerText), width)];

  // Height budget: the table first, then the chart, then the verdicts.
  let rest = height - head.length - table.length - foot.length;
  if (rest < 0 && devices.length > 0) {
    const keepRows = Math.max(0, table.length - 1 + rest - 1);
    const hidden = table.length - 1 - keepRows;
    const more = `${ascii ? '...' : '…'} ${hidden} more device${hidden === 1 ? '' : 's'} (a taller terminal shows them)`;
    table = [...table.slice(0, 1 + keepRows), clip(st.dim(more), width)];
    rest = height - head.length - table.length - foot.length;
  }
  const verdicts = recentVerdicts(devices).slice(0, VERDICTS_MAX);
  const verdictWanted = verdicts.length ? verdicts.length + 2 : 0;
  const chartDev = model.chartDevice(o.chartDevice);
  let chartRows = 0;
  if (chartDev) {
    chartRows = Math.min(CHART_MAX_ROWS, rest - 2 - Math.min(verdictWanted, 3));
    if (chartRows < CHART_MIN_ROWS) chartRows = Math.min(CHART_MAX_ROWS, rest - 2);
    if (chartRows < CHART_MIN_ROWS) chartRows = 0;
  }
  const chart = chartRows ? chartSection(chartDev!, width, chartRows, st, ascii, txt) : [];
  rest -= chart.length;
  const verdictLines = rest >= 3 ? verdictSection(verdicts.slice(0, rest - 2), multi, width, st, ascii, txt, o.timeZone) : [];

  const lines = [...head, ...table, ...chart, ...verdictLines, ...foot];
  return (Number.isFinite(height) ? lines.slice(0, height) : lines).join('\n');
}

/** `YYYY-MM-DD HH:MM` in the zone (local by default). */
function dateTime(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(ms));
}

const fmt1 = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(1));
const signed1 = (x: number | null): string => (x === null ? '-' : `${x > 0 ? '+' : ''}${x.toFixed(1)}`);
const cycleText = (c: CycleNo | null): string => (c === null ? '-' : String(c));

function verdictGlyph(v: Verdict, ascii: boolean): string {
  if (v.verdict === 'pass') return ascii ? 'P' : '✓';
  if (v.verdict === 'fail') return ascii ? 'F' : '✗';
  return '?';
}

function deviceRow(model: WatchModel, d: DeviceEntry, multi: boolean, ascii: boolean): string[] {
  const t = d.telemetry;
  const now = model.currentOf(d);
  const hold = model.holdOf(d);
  const holdText = hold.requiredS === null ? '-' : `${hold.seconds === null ? '-' : Math.floor(hold.seconds)}/${hold.requiredS}`;
  const program = d.state?.program ?? d.cycle?.hold?.spec.program ?? null;
  const last = [...d.verdicts]
    .reverse()
    .map((v) => verdictGlyph(v, ascii))
    .join('');
  return [
    clean(multi ? `${d.gateway}/${d.id}` : d.id, ascii),
    linkText(model.linkOf(d)),
    clean(now.phase ?? '-', ascii),
    clean(program ?? '-', ascii),
    clean(cycleText(now.cycleNo), ascii),
    fmt1(t?.temp_c),
    fmt1(t?.pressure_kpa),
    signed1(model.tsatDiffK(d)),
    holdText,
    last || '-',
  ];
}

function linkText(l: Link): string {
  return l === 'unknown' ? '?' : l === 'offline' ? 'off' : l;
}

function deviceColumns(model: WatchModel, devices: DeviceEntry[], st: Style, ascii: boolean): Column[] {
  const at = (row: number) => devices[row]!;
  return [
    { title: 'DEVICE', min: 5, max: 24, priority: 100 },
    {
      title: 'LINK',
      min: 4,
      max: 4,
      priority: 100,
      style: (s, r) => {
        const l = model.linkOf(at(r));
        return l === 'up' ? st.green(s) : l === 'unknown' ? st.dim(s) : st.red(s);
      },
    },
    {
      title: 'PHASE',
      min: 5,
      max: 14,
      priority: 100,
      style: (s, r) => {
        const p = model.currentOf(at(r)).phase;
        return p === 'fault' ? st.red(s) : p === 'sterilizing' || p === 'disinfect' ? st.cyan(s) : s;
      },
    },
    { title: 'PROGRAM', min: 5, max: 14, priority: 60 },
    { title: 'CYCLE', min: 5, max: 8, align: 'right', priority: 50 },
    { title: ascii ? 'degC' : '°C', min: 5, max: 6, align: 'right', priority: 100 },
    { title: 'kPa', min: 5, max: 6, align: 'right', priority: 80 },
    {
      title: ascii ? 'dTsat' : 'ΔTsat',
      min: 5,
      max: 6,
      align: 'right',
      priority: 70,
      style: (s, r) => {
        const d = at(r);
        const diff = model.tsatDiffK(d);
        const p = getProgram(d.state?.program ?? '');
        const limit = p && p.kind !== 'washer' ? p.maxTsatDiffK : null;
        return limit !== null && diff !== null && model.currentOf(d).phase === 'sterilizing' && Math.abs(diff) > limit ? st.red(s) : s;
      },
    },
    {
      title: 'HOLD s',
      min: 6,
      max: 10,
      align: 'right',
      priority: 100,
      style: (s, r) => {
        const h = model.holdOf(at(r));
        if (h.seconds === null || h.requiredS === null) return s;
        if (h.seconds >= h.requiredS) return st.green(s);
        if (h.inPhase) return h.inBand ? st.yellow(s) : st.red(s);
        return s;
      },
    },
    {
      title: 'LAST',
      min: 4,
      max: 5,
      priority: 90,
      style: (s) => [...s].map((ch) => (ch === '✓' || ch === 'P' ? st.green(ch) : ch === '✗' || ch === 'F' ? st.red(ch) : ch)).join(''),
    },
  ];
}

function chartSection(d: DeviceEntry, width: number, rows: number, st: Style, ascii: boolean, txt: (s: string) => string): string[] {
  const c = d.cycle!;
  const spec = c.hold?.spec ?? null;
  const labelW = 6;
  const cols = Math.max(10, Math.min(120, width - labelW - 1));
  const chart = plotChart(c.curve.buckets, { cols, rows, unicode: !ascii, ref: spec ? spec.lo : null });
  if (!chart) return [];
  const minutes = Math.max(0, (c.lastTs - c.startTs) / 60_000);
  const program = d.state?.program ?? spec?.program ?? null;
  const caption = [
    txt(d.id),
    c.cycleNo !== null ? `cycle ${txt(String(c.cycleNo))}` : 'cycle',
    program ? txt(program) : null,
    `${ascii ? 'drain degC' : 'drain °C'}`,
    `${minutes < 10 ? minutes.toFixed(1) : minutes.toFixed(0)} min`,
    c.running ? st.cyan('running') : st.dim('ended'),
  ]
    .filter((x): x is string => x !== null)
    .join(ascii ? ' - ' : ' · ');
  const axis = ascii ? '|' : '┤';
  const lines = chart.lines.map((l, r) => {
    const label = r === 0 ? chart.max.toFixed(1) : r === rows - 1 ? chart.min.toFixed(1) : r === chart.refRow && spec ? spec.lo.toFixed(1) : '';
    return `${st.dim(cell(label, labelW, 'right'))}${st.dim(axis)}${l}`;
  });
  return ['', clip(caption, width), ...lines.map((l) => clip(l, width))];
}

interface DeviceVerdict {
  device: DeviceEntry;
  v: Verdict;
}

function recentVerdicts(devices: DeviceEntry[]): DeviceVerdict[] {
  const all = devices.flatMap((device) => device.verdicts.map((v) => ({ device, v })));
  // Newest first: by seq within one gateway (its records' order), by record time across gateways.
  return all.sort((a, b) => {
    const sameChain = a.device.site === b.device.site && a.device.gateway === b.device.gateway;
    if (sameChain && a.v.seq !== null && b.v.seq !== null) return b.v.seq - a.v.seq;
    return (b.v.ts ?? 0) - (a.v.ts ?? 0);
  });
}

function verdictSection(
  list: DeviceVerdict[],
  multi: boolean,
  width: number,
  st: Style,
  ascii: boolean,
  txt: (s: string) => string,
  timeZone?: string,
): string[] {
  if (list.length === 0) return [];
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, ...(timeZone ? { timeZone } : {}) });
  // One clock for every line: the record's time (the gateway's, when it signed it). A device's own clock can be
  // wrong or run ahead of the gateway (an accelerated simulator), so its end time would put lines out of order.
  const rows = list.map(({ device, v }) => {
    const at = v.ts;
    return {
      when: at === null ? '--:--' : time.format(new Date(at)),
      device: fit(txt(multi ? `${device.gateway}/${device.id}` : device.id), 24, ascii),
      cycle: v.cycleNo === null ? '' : fit(`#${txt(String(v.cycleNo))}`, 10, ascii),
      program: fit(txt(v.program ?? '-'), 16, ascii),
      v,
    };
  });
  const w = (k: 'device' | 'cycle' | 'program') => Math.max(...rows.map((r) => [...r[k]].length));
  const [dw, cw, pw] = [w('device'), w('cycle'), w('program')];
  const lines = rows.map((r) => {
    const v = r.v;
    const verdict =
      v.verdict === 'pass' ? st.green('PASS') : v.verdict === 'fail' ? st.red('FAIL') : st.yellow(cell(txt(v.verdict.toUpperCase()), 4, 'left', ascii));
    const failed = v.failed.length ? st.red(txt(v.failed.join(', '))) : '';
    const hold = v.holdS !== null ? `hold ${Math.floor(v.holdS)} s` : '';
    const head = [r.when, cell(r.device, dw), cell(r.cycle, cw), cell(r.program, pw), verdict].join('  ');
    return clip([head, failed, hold, v.historical ? st.dim('(replayed)') : ''].filter(Boolean).join('  '), width);
  });
  return ['', st.bold('Last verdicts'), ...lines];
}

function footer(model: WatchModel, hint: string | undefined, ascii: boolean): string {
  const s = model.stats;
  const parts = [`${s.messages} message${s.messages === 1 ? '' : 's'}`];
  if (s.invalid) parts.push(`${s.invalid} invalid (last ${s.lastInvalid ? clean(`${s.lastInvalid.topic}: ${s.lastInvalid.reason}`, ascii) : '?'})`);
  if (hint) parts.push(hint);
  return parts.join(ascii ? ' - ' : ' · ');
}
