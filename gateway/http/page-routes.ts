// The page's routes: the board, the cycle history, a cycle record and its printable report, the
// release queue, the live feed, two JSON reads and the assets. All GET: this page only reads.
import type { ServerResponse } from 'node:http';
import type { DeviceConfig } from '../../config/schema.js';
import { localDate } from '../../vocabulary/local-day.js';
import { dateTime, esc } from '../report/format.js';
import { type Locale, t } from '../report/i18n.js';
import { REPORT_CSS_HASH } from '../report/report-css.js';
import { renderCycleRecord, renderCycleReport } from '../report/report-html.js';
import type { Program } from '../verify/index.js';
import { localMidnightUtc, parseHistoryParams } from './history-query.js';
import type { LiveHub } from './live-hub.js';
import type { LoanerQueries } from './loaner-queries.js';
import { boardData, renderBoardBody } from './pages/board-page.js';
import { renderFrame } from './pages/frame.js';
import { renderHistory } from './pages/history-page.js';
import { renderLoanerList, renderLoanerSet } from './pages/loaner-page.js';
import { renderQueue } from './pages/queue-page.js';
import type { RecordQueries } from './record-queries.js';
import { inlineStyleCsp, sendBytes, sendHtml, sendJson, sendText } from './respond.js';
import type { RouteTable } from './route-table.js';
import type { Asset } from './static-assets.js';
import type { WebHandler, WebRequest } from './web-server.js';

export interface PageContext {
  site: string;
  gateway: string;
  devices: readonly Pick<DeviceConfig, 'id' | 'type'>[];
  programs: Readonly<Record<string, Readonly<Program>>>;
  queries: RecordQueries;
  loaners: LoanerQueries;
  hub: LiveHub;
  assets: ReadonlyMap<string, Asset>;
  timeZone: string;
  version: string;
  now: () => number;
}

/** Days of quarantined / early-released / recalled loads the queue shows by default. */
const QUEUE_DAYS = 7;
const QUEUE_REFRESH_S = 30;
/** Days of returned loaner sets the loaner view shows by default. */
const LOANER_DAYS = 7;

/**
 * What a list page of the last days is rendered with: locale, time zone, now and `days` (its parameter,
 * 1..90, else `fallback`); and `sinceIso`, the start of those days.
 */
function lookBack(c: PageContext, req: WebRequest, now: number, fallback: number) {
  const days = Math.min(90, Math.max(1, Number(req.url.searchParams.get('days')) || fallback));
  return { view: { locale: req.locale, timeZone: c.timeZone, now, days }, sinceIso: new Date(now - days * 86_400_000).toISOString() };
}

function page(
  c: PageContext,
  req: WebRequest,
  res: ServerResponse,
  status: number,
  title: string,
  active: 'board' | 'history' | 'queue' | 'loaners' | null,
  body: string,
  extra: { scripts?: string[]; styles?: string[]; data?: Record<string, unknown>; refreshS?: number; bodyClass?: string } = {},
): void {
  sendHtml(res, status, renderFrame({ locale: req.locale, title, active, site: c.site, gateway: c.gateway, url: req.url, body, ...extra }));
}

function recordInput(c: PageContext, locale: Locale, ref: string) {
  const seq = /^\d+$/.test(ref) ? Number(ref) : null;
  const record = c.queries.cycleRecord(seq !== null ? { seq } : { id: ref });
  if (!record) return null;
  const cycleId = typeof record.body.cycleId === 'string' ? record.body.cycleId : null;
  const program = typeof record.body.program === 'string' && Object.hasOwn(c.programs, record.body.program) ? c.programs[record.body.program] : undefined;
  return {
    record,
    cycleId,
    input: {
      record,
      releases: c.queries.releasesOfCycle(cycleId),
      biRecords: c.queries.biOfCycle(cycleId),
      integrity: c.queries.integrity(record),
      program,
      locale,
      timeZone: c.timeZone,
      generatedAt: new Date(c.now()).toISOString(),
      version: c.version,
    },
  };
}

export function addPageRoutes(routes: RouteTable<WebHandler>, c: PageContext): void {
  routes.add('GET', '/', (req, res) => {
    page(c, req, res, 200, t(req.locale, 'board.title'), 'board', renderBoardBody(req.locale), {
      scripts: ['/assets/board.js'],
      styles: ['/assets/vendor/uPlot.min.css'],
      data: boardData(req.locale),
      bodyClass: 'wall',
    });
  });

  routes.add('GET', '/history', (req, res) => {
    const query = parseHistoryParams(req.url.searchParams, c.timeZone);
    let search = null;
    let result = null;
    if (query.search) {
      const byLoad = c.queries.cyclesOfLoad(query.search);
      search = byLoad.length ? { kind: 'load' as const, rows: byLoad } : { kind: 'item' as const, rows: c.queries.cyclesWithItem(query.search) };
    } else {
      result = c.queries.history(query.filter, query.page);
    }
    const body = renderHistory({
      locale: req.locale,
      timeZone: c.timeZone,
      url: req.url,
      devices: c.devices,
      programs: Object.keys(c.programs).sort(),
      query,
      page: result,
      search,
    });
    page(c, req, res, query.problems.length ? 400 : 200, t(req.locale, 'history.title'), 'history', body);
  });

  routes.add('GET', '/queue', (req, res) => {
    const now = c.now();
    const today = localDate(now, c.timeZone);
    const midnight = localMidnightUtc(today, c.timeZone) ?? now - 86_400_000;
    const { view, sinceIso } = lookBack(c, req, now, QUEUE_DAYS);
    const body = renderQueue({
      ...view,
      today,
      sterilizers: c.devices.filter((d) => d.type === 'steam-sterilizer').map((d) => d.id),
      held: c.queries.heldLoads(),
      blocked: c.queries.blockedLoads(sinceIso),
      dailyTests: c.queries.dailyTests(new Date(midnight).toISOString()),
    });
    page(c, req, res, 200, t(req.locale, 'queue.title'), 'queue', body, { refreshS: QUEUE_REFRESH_S });
  });

  routes.add('GET', '/loaners', (req, res) => {
    const now = c.now();
    const { view, sinceIso } = lookBack(c, req, now, LOANER_DAYS);
    const body = renderLoanerList({ ...view, open: c.loaners.openSets(), returned: c.loaners.returnedSince(sinceIso) });
    page(c, req, res, 200, t(req.locale, 'loaner.title'), 'loaners', body, { refreshS: QUEUE_REFRESH_S });
  });

  routes.add('GET', '/loaners/:set', (req, res) => {
    const set = req.params.set as string;
    const visits = c.loaners.visitsOf(set);
    const wanted = req.url.searchParams.get('visit');
    const visit = wanted ? visits.find((v) => v.visit === wanted) : visits[0];
    if (!visit) {
      page(c, req, res, 404, t(req.locale, 'loaner.title'), 'loaners', `<p class="problem">${esc(t(req.locale, 'loaner.notFound', { set }))}</p>`);
      return;
    }
    const body = renderLoanerSet({ locale: req.locale, timeZone: c.timeZone, now: c.now(), visit, timeline: c.loaners.timeline(visit.visit), visits });
    page(c, req, res, 200, `${t(req.locale, 'loaner.set')} ${set}`, 'loaners', body, { refreshS: QUEUE_REFRESH_S });
  });

  routes.add('GET', '/cycles/:id', (req, res) => {
    const id = req.params.id as string;
    const found = recordInput(c, req.locale, id);
    if (!found) {
      page(c, req, res, 404, t(req.locale, 'record.title'), 'history', `<p class="problem">${esc(t(req.locale, 'record.notFound', { id }))}</p>`);
      return;
    }
    const body = renderCycleRecord(found.input, {
      printout: c.queries.printoutOf(found.cycleId),
      reportHref: `/cycles/${encodeURIComponent(found.record.id)}/report`,
    });
    page(
      c,
      req,
      res,
      200,
      `${t(req.locale, 'record.title')} ${found.record.device ?? ''} ${String(found.record.body.cycleNo ?? found.record.seq)}`,
      'history',
      body,
      { styles: ['/assets/record.css'] },
    );
  });

  routes.add('GET', '/cycles/:id/report', (req, res) => {
    const found = recordInput(c, req.locale, req.params.id as string);
    if (!found) {
      sendText(res, 404, `no cycle record ${req.params.id}`);
      return;
    }
    const headers: Record<string, string> = { 'Content-Security-Policy': inlineStyleCsp(REPORT_CSS_HASH) };
    if (req.url.searchParams.get('download') === '1') {
      const day = dateTime(found.record.body.startedAt as string | undefined, c.timeZone, false).slice(0, 10);
      headers['Content-Disposition'] = `attachment; filename="sterilink-${found.record.device ?? 'cycle'}-${day}-${found.record.seq}.html"`.replace(
        /[^\x20-\x7e]/g,
        '_',
      );
    }
    sendHtml(res, 200, renderCycleReport(found.input), headers);
  });

  routes.add('GET', '/api/live', (req, res) => {
    if (req.method === 'HEAD') sendText(res, 200, '', { 'Content-Type': 'text/event-stream; charset=utf-8' });
    else c.hub.addClient(res);
  });

  routes.add('GET', '/api/board', (_req, res) => sendJson(res, 200, c.hub.snapshot()));

  routes.add('GET', '/api/cycles', (req, res) => {
    const query = parseHistoryParams(req.url.searchParams, c.timeZone, Number(req.url.searchParams.get('limit')) || 50);
    if (query.problems.length) {
      sendJson(res, 400, { problems: query.problems });
      return;
    }
    if (query.search) {
      const byLoad = c.queries.cyclesOfLoad(query.search);
      sendJson(res, 200, { search: query.search, rows: byLoad.length ? byLoad : c.queries.cyclesWithItem(query.search) });
      return;
    }
    sendJson(res, 200, c.queries.history(query.filter, query.page));
  });

  routes.add('GET', '/favicon.ico', (req, res) => sendAsset(req, res, c.assets.get('favicon.svg')));
  routes.add('GET', '/assets/*path', (req, res) => sendAsset(req, res, c.assets.get(req.params.path as string)));
}

/** A file of the page by exact name (never a path on disk), revalidated by its ETag. */
function sendAsset(req: WebRequest, res: ServerResponse, a: Asset | undefined): void {
  if (!a) {
    sendText(res, 404, 'not found');
    return;
  }
  if (req.raw.headers['if-none-match'] === a.etag) {
    res.statusCode = 304;
    res.setHeader('ETag', a.etag);
    res.end();
    return;
  }
  sendBytes(res, 200, a.type, a.body, { ETag: a.etag, 'Cache-Control': 'no-cache' });
}
