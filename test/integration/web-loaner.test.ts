// The loaner view of the web page on a real store: the sets at the CSSD with status, holds and due time, and one
// set's timeline from its signed records, in both languages, linked from the navigation.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { startWebServer, type WebHandle } from '../../gateway/http/index.js';
import { Store } from '../../gateway/store/index.js';
import { resolvePrograms } from '../../gateway/verify/index.js';
import { get } from '../helpers/http-client.js';
import { BI_LOT, biVial, type LoanerStore, loanerStore, PACKING, RECEIPT, RETURN } from '../helpers/loaner-store.js';

describe('the loaner view', () => {
  let h: LoanerStore;
  let store: Store;
  let web: WebHandle;
  const base = () => web.url.replace(/\/$/, '');

  beforeAll(async () => {
    h = loanerStore();
    // LN-0042: the whole way and back; LN-0077: received, its packing counts short (held)
    h.scan('LOANER-DESK', ...RECEIPT());
    h.scan('WD-01', 'OP:OP2', 'LN-0042');
    h.cycle('WD-01', 'W1');
    h.scan('LOANER-DESK', ...PACKING());
    h.scan('AC-01', 'OP:OP2', 'LN-0042', biVial('V1'));
    h.cycle('AC-01', 'S1');
    h.bi({ well: '1', lot: BI_LOT, result: 'positive', control: true });
    h.bi({ well: '2', lot: BI_LOT, result: 'negative', vial: 'V1' });
    h.scan('LOANER-DESK', ...RETURN());
    h.scan('LOANER-DESK', ...RECEIPT('DUE:2026-03-10T16:00').map((c) => c.replace('LN-0042', 'LN-0077').replace('OP-2026-0042', 'OP-2026-0077')));
    h.scan('WD-01', 'OP:OP2', 'LN-0077');
    h.cycle('WD-01', 'W2');
    h.scan('LOANER-DESK', ...PACKING(5).map((c) => c.replace('LN-0042', 'LN-0077')));
    store = new Store({ dataDir: h.dataDir, site: 'h1', gateway: 'gw1', logger: pino({ level: 'silent' }) });
    store.start();
    const config = configSchema.parse({
      site: 'h1',
      gateway: 'gw1',
      mqtt: { url: 'mqtt://127.0.0.1:1' },
      http: { listen: '127.0.0.1:0' },
      release: { timeZone: 'Europe/Berlin' },
    });
    web = await startWebServer({ config, store, programs: resolvePrograms([]), logger: pino({ level: 'silent' }), now: () => h.clock, version: '0.1.0' });
  }, 60_000);

  afterAll(async () => {
    await web?.stop();
    store?.close();
    h?.close();
  });

  it('lists the sets at the CSSD with status, holds and due time, and the returned ones; the navigation links it', async () => {
    const r = await get(`${base()}/loaners`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<a href="/loaners" aria-current="page" class="active">Loaner sets</a>');
    const open = r.body.slice(r.body.indexOf('loaners-open'), r.body.indexOf('loaners-returned'));
    expect(open).toMatch(/data-set="LN-0077" data-status="cleaned" class="held"/);
    expect(open).toContain('OP-2026-0077');
    expect(open).toContain('data-hold="count-mismatch">count mismatch');
    expect(open).toContain('2026-03-10 16:00');
    expect(open).not.toContain('LN-0042');
    const returned = r.body.slice(r.body.indexOf('loaners-returned'));
    expect(returned).toMatch(/data-set="LN-0042" data-status="returned"/);
    const home = await get(`${base()}/`);
    expect(home.body).toContain('<a href="/loaners">Loaner sets</a>');
  });

  it("shows one set's timeline, step by step, with links to its cycle records, in both languages", async () => {
    const r = await get(`${base()}/loaners/LN-0042`);
    expect(r.status).toBe(200);
    const steps = [...r.body.matchAll(/data-step="([a-z-]+)"/g)].map((m) => m[1]);
    expect(steps).toEqual(['received', 'washing', 'cleaned', 'packed', 'sterilizing', 'release', 'bi', 'release', 'returned']);
    const cycles = h
      .records('cycle')
      .filter((c) => ['W1', 'S1'].includes(c.body.cycleId as string))
      .map((c) => c.id);
    expect(cycles).toHaveLength(2);
    for (const id of cycles) expect(r.body).toContain(`href="/cycles/${id}"`);
    expect(r.body).toContain('data-bi="negative"');
    const zh = await get(`${base()}/loaners/LN-0042?lang=zh-CN`);
    expect(zh.body).toContain('外来器械');
    expect(zh.body).toContain('已归还');
    expect(zh.body).toContain('生物监测结果');
    expect((await get(`${base()}/loaners/LN-9999`)).status).toBe(404);
  });
});
