// One machine's tile: name and link, program and cycle, the phase in a large chip, elapsed time, the
// readings (T, load probe, p, T_sat, T − T_sat), hold progress against the program's minimum (A0 for
// washers), the live curve, alarms and the last verdict. Built with DOM calls and textContent only:
// nothing from the feed is ever parsed as HTML.
import type { Tile } from '../../gateway/http/live-wire.js';
import { duration, fixed } from './format.js';
import { LiveChart } from './live-chart.js';

export type Messages = Readonly<Record<string, string>>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function msg(m: Messages, key: string, params: Readonly<Record<string, string | number>> = {}): string {
  const text = m[key] ?? key.slice(key.indexOf('.') + 1);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const IDLE = new Set(['idle', 'complete', null]);

export class TileView {
  readonly root: HTMLElement;
  private readonly f: Record<string, HTMLElement> = {};
  private chart: LiveChart | null = null;
  private readonly type: string;

  constructor(
    private readonly m: Messages,
    tile: Tile,
  ) {
    this.type = tile.type;
    const root = el('article', 'tile');
    root.dataset.device = tile.id;
    const head = el('header', 'tile-head');
    head.append(this.field('name', 'h2', 'name'), this.field('type', 'span', 'type'), this.field('link', 'span', 'link'));
    const sub = el('div', 'tile-sub');
    sub.append(this.field('program', 'span', 'program'), this.field('cycle', 'span', 'cycle'));
    const status = el('div', 'tile-status');
    status.append(this.field('phase', 'span', 'phase'), this.field('elapsed', 'span', 'elapsed'));
    const readings = this.field('readings', 'dl', 'readings');
    const hold = el('div', 'hold');
    const bar = el('div', 'bar');
    bar.append(this.field('holdFill', 'div', 'fill'));
    hold.append(this.field('holdLabel', 'span', 'hold-label'), bar, this.field('holdText', 'span', 'hold-text'));
    this.f.hold = hold;
    const chart = this.field('chart', 'div', 'chart');
    const foot = el('footer', 'tile-foot');
    foot.append(this.field('alarms', 'div', 'alarms'), this.field('last', 'a', 'last'));
    root.append(head, sub, status, readings, hold, chart, foot);
    this.root = root;
    this.update(tile);
  }

  private field(name: string, tag: keyof HTMLElementTagNameMap, cls: string): HTMLElement {
    const e = el(tag, cls);
    this.f[name] = e;
    return e;
  }

  private get(name: string): HTMLElement {
    return this.f[name] as HTMLElement;
  }

  /** The chart is made when the tile is in the document (uPlot measures its box). */
  ensureChart(): LiveChart {
    this.chart ??= new LiveChart(this.get('chart'), {
      temp: msg(this.m, 'board.temp'),
      temp2: msg(this.m, 'board.temp2'),
      pressure: msg(this.m, 'board.pressure'),
      showPressure: this.type !== 'washer-disinfector',
    });
    return this.chart;
  }

  update(t: Tile): void {
    const m = this.m;
    this.root.dataset.running = String(t.running);
    this.root.dataset.phase = t.phase ?? 'none';
    this.root.dataset.link = t.link;
    this.get('name').textContent = t.id;
    this.get('type').textContent = msg(m, `type.${t.type}`);
    this.get('link').textContent = t.link === 'up' ? msg(m, 'board.linkUp') : t.link === 'down' ? msg(m, 'board.linkDown') : '…';
    this.get('program').textContent = t.program ? `${t.programTitle ?? t.program}` : '—';
    this.get('cycle').textContent = t.cycleNo !== null ? `${msg(m, 'board.cycleNo')} ${t.cycleNo}` : '';
    const phase = t.running ? t.phase : IDLE.has(t.phase) ? (t.phase ?? 'idle') : t.phase;
    this.get('phase').textContent = phase ? msg(m, `phase.${phase}`) : msg(m, 'board.idle');
    this.get('elapsed').textContent = t.running && t.elapsedS !== null ? `${msg(m, 'board.elapsed')} ${duration(t.elapsedS)}` : '';
    this.renderReadings(t);
    this.renderHold(t);
    this.renderFoot(t);
    if (this.chart) {
      const hold = t.hold?.startS !== null && t.hold?.startS !== undefined && t.elapsedS !== null ? { start: t.hold.startS, end: t.elapsedS } : null;
      this.chart.setMarks({ band: t.band, hold });
    }
  }

  private renderReadings(t: Tile): void {
    const m = this.m;
    const dl = this.get('readings');
    dl.replaceChildren();
    const r = t.reading;
    const add = (label: string, value: string, unit: string, cls = '') => {
      const box = el('div', `reading ${cls}`);
      const v = el('dd');
      v.append(el('span', 'value', value), el('span', 'unit', unit));
      box.append(el('dt', undefined, label), v);
      dl.append(box);
    };
    if (!r) {
      dl.append(el('div', 'waiting', msg(m, 'board.waiting')));
      return;
    }
    add(msg(m, 'board.temp'), fixed(r.temp_c), '°C', 'main');
    if (r.temp2_c !== null) add(msg(m, 'board.temp2'), fixed(r.temp2_c), '°C');
    if (r.pressure_kpa !== null && t.type !== 'washer-disinfector') add(msg(m, 'board.pressure'), fixed(r.pressure_kpa), 'kPa');
    if (r.tsat_c !== null) add(msg(m, 'board.tsat'), fixed(r.tsat_c), '°C');
    if (r.tsatDiffK !== null) {
      const d = r.tsatDiffK;
      add(msg(m, 'board.tsatDiff'), `${d > 0 ? '+' : ''}${fixed(d)}`, 'K', t.running && t.phase === 'sterilizing' && Math.abs(d) > 2 ? 'alert' : '');
    }
    if (t.a0) add(msg(m, 'board.a0'), fixed(t.a0.value, 0), `/ ${t.a0.min}`, t.a0.value >= t.a0.min ? 'ok' : '');
  }

  private renderHold(t: Tile): void {
    const m = this.m;
    const h = t.hold;
    const box = this.get('hold');
    box.hidden = !h || (!t.running && h.seconds === 0);
    if (!h) return;
    const pct = h.requiredS > 0 ? Math.min(100, (h.seconds / h.requiredS) * 100) : 0;
    (this.get('holdFill') as HTMLElement).style.width = `${pct.toFixed(1)}%`;
    box.dataset.state = h.seconds >= h.requiredS ? 'done' : h.inBand ? 'holding' : 'waiting';
    this.get('holdLabel').textContent = msg(m, 'board.hold');
    const remaining = h.inPhase && h.seconds < h.requiredS ? ` · ${msg(m, 'board.remaining')} ${duration(h.requiredS - h.seconds)}` : '';
    this.get('holdText').textContent = `${duration(h.seconds)} / ${duration(h.requiredS)}${remaining}`;
  }

  private renderFoot(t: Tile): void {
    const m = this.m;
    const alarms = this.get('alarms');
    alarms.replaceChildren();
    for (const a of t.alarms.slice(0, 2)) alarms.append(el('div', 'alarm', `⚠ ${a.code}: ${a.text}`));
    const last = this.get('last') as HTMLAnchorElement;
    last.replaceChildren();
    if (!t.last) {
      last.removeAttribute('href');
      last.append(el('span', 'muted', msg(m, 'board.noCycle')));
      return;
    }
    last.href = `/cycles/${encodeURIComponent(t.last.recordId)}`;
    last.append(
      el('span', 'muted', `${msg(m, 'board.lastVerdict')} ${t.last.cycleNo ?? ''} `),
      el('span', `verdict ${t.last.verdict === 'pass' ? 'pass' : 'fail'}`, msg(m, `verdict.${t.last.verdict}`)),
    );
    if (t.last.failed.length) last.append(el('span', 'failed', ` ${t.last.failed.map((id) => msg(m, `criterion.${id}`)).join(', ')}`));
  }
}
