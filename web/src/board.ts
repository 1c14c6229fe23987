// The machines board: connects to the gateway's live feed (/api/live, Server-Sent Events), draws one
// tile per sterilizer and washer from the snapshot it gets first, then applies each change; scanners
// and BI readers show as small chips. EventSource reconnects by itself; while it is away the page says
// so, and the next snapshot replaces everything (nothing half-applied stays on screen).
import type { BoardSnapshot, SamplesEvent, Tile } from '../../gateway/http/live-wire.js';
import { type Messages, msg, TileView } from './tile-view.js';

interface PageData {
  locale: string;
  messages: Messages;
}

const MACHINES = new Set(['steam-sterilizer', 'washer-disinfector']);

function pageData(): PageData {
  const node = document.getElementById('page-data');
  return JSON.parse(node?.textContent ?? '{}') as PageData;
}

class Board {
  private readonly tiles = new Map<string, TileView>();
  private readonly chips = new Map<string, HTMLElement>();

  constructor(
    private readonly root: HTMLElement,
    private readonly peripherals: HTMLElement,
    private readonly m: Messages,
  ) {}

  render(snap: BoardSnapshot): void {
    for (const v of this.tiles.values()) v.root.remove();
    this.tiles.clear();
    this.chips.clear();
    this.root.replaceChildren();
    const chips = this.peripherals.querySelector('.chips') as HTMLElement;
    chips.replaceChildren();
    const machines = snap.tiles.filter((t) => MACHINES.has(t.type));
    if (!machines.length) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = msg(this.m, 'board.noDevices');
      this.root.append(p);
    }
    for (const t of machines) {
      const view = new TileView(this.m, t);
      this.tiles.set(t.id, view);
      this.root.append(view.root);
      const curve = snap.curves[t.id];
      view.ensureChart().reset(curve?.key ?? t.cycleKey ?? '', curve?.points ?? []);
      view.update(t);
    }
    const others = snap.tiles.filter((t) => !MACHINES.has(t.type));
    this.peripherals.hidden = others.length === 0;
    for (const t of others) {
      const chip = document.createElement('span');
      chip.className = 'chip';
      chips.append(chip);
      this.chips.set(t.id, chip);
      this.updateChip(t);
    }
    this.root.dataset.state = 'live';
  }

  tile(t: Tile): void {
    const view = this.tiles.get(t.id);
    if (view) view.update(t);
    else this.updateChip(t);
  }

  samples(e: SamplesEvent): void {
    const view = this.tiles.get(e.tile.id);
    if (!view) return;
    const chart = view.ensureChart();
    if (chart.key !== e.key) chart.reset(e.key, e.points);
    else chart.append(e.points);
    view.update(e.tile);
    view.root.dataset.points = String(chart.length);
  }

  private updateChip(t: Tile): void {
    const chip = this.chips.get(t.id);
    if (!chip) return;
    chip.dataset.link = t.link;
    chip.textContent = `${t.id} · ${msg(this.m, `type.${t.type}`)} · ${t.link === 'up' ? msg(this.m, 'board.linkUp') : t.link === 'down' ? msg(this.m, 'board.linkDown') : '…'}`;
  }
}

function main(): void {
  const data = pageData();
  const root = document.getElementById('board');
  const peripherals = document.getElementById('peripherals');
  const offline = document.getElementById('offline');
  if (!root || !peripherals || !offline) return;
  const board = new Board(root, peripherals, data.messages ?? {});
  const source = new EventSource('/api/live');
  const parse = <T>(e: Event): T => JSON.parse((e as MessageEvent<string>).data) as T;
  source.addEventListener('open', () => {
    offline.hidden = true;
  });
  source.addEventListener('error', () => {
    offline.hidden = false;
    root.dataset.state = 'offline';
  });
  source.addEventListener('snapshot', (e) => {
    offline.hidden = true;
    board.render(parse<BoardSnapshot>(e));
  });
  source.addEventListener('tile', (e) => board.tile(parse<Tile>(e)));
  source.addEventListener('samples', (e) => board.samples(parse<SamplesEvent>(e)));
}

main();
