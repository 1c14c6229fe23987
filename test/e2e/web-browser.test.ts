// The web page as a person uses it, in Chromium, against `sterilink demo` (the gateway with its
// simulated sterilizers, washers, scanner and BI reader at 120x): the board shows every machine and a
// running cycle's curve grows; a failed cycle shows its failed criterion in words; the release queue
// shows the quarantined load; a scanned tray finds its cycle; the report prints to one A4 page with
// curve and criteria; the Chinese page renders. Screenshots and the PDF go to test-artifacts/web/.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactDir, launchChromium, pdfPageCount, pdfPageSize } from '../helpers/browser.js';
import { type Proc, startCli, tempDir } from '../helpers/cli.js';
import { get } from '../helpers/http-client.js';

const OUT = artifactDir('web');
const TRAY = '(01)04000000000174(21)SET-1'; // the demo's first tray, as a person types it

describe('web page in a browser', () => {
  let demo: Proc;
  let dataDir: string;
  let url: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    dataDir = tempDir('sl-web-e2e-');
    demo = startCli(['demo', '--speed', '120', '--data-dir', dataDir]);
    await demo.waitForOutput(/Web page: http:\/\/\S+/, 30_000);
    url = (/Web page: (http:\/\/\S+?)\/?\s/.exec(demo.output()) as RegExpExecArray)[1] as string;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Waits until the gateway has a cycle record the query finds (the API the history page uses). */
  async function cycleWhere(query: string, timeoutMs = 60_000): Promise<{ recordId: string; seq: number; failed: string[] }> {
    let row: { recordId: string; seq: number; failed: string[] } | undefined;
    const deadline = Date.now() + timeoutMs;
    while (!row && Date.now() < deadline) {
      const body = JSON.parse((await get(`${url}/api/cycles?${query}`)).body) as { rows: { recordId: string; seq: number; failed: string[] }[] };
      row = body.rows[0];
      if (!row) await new Promise((r) => setTimeout(r, 500));
    }
    if (!row) throw new Error(`no cycle record for ${query} within ${timeoutMs} ms; demo output:\n${demo.output().slice(-2000)}`);
    return row;
  }

  it("shows every machine on the board and a running cycle's curve grows without a reload", async () => {
    await page.goto(`${url}/`);
    await page.waitForSelector('#board[data-state="live"]');
    expect(await page.locator('.tile h2').allTextContents()).toEqual(['AC-01', 'AC-02', 'WD-01', 'AC-03', 'WD-02']);
    expect(await page.locator('.chip').allTextContents()).toEqual([
      expect.stringContaining('SC-01'),
      expect.stringContaining('SC-02'),
      expect.stringContaining('SC-LN'),
      expect.stringContaining('BI-01'),
    ]);
    const tile = page.locator('.tile[data-device="AC-03"]');
    // the tile counts the curve's points (data-points) as the live feed adds them
    const points = async () => Number((await tile.getAttribute('data-points')) ?? 0);
    await expect.poll(points, { timeout: 30_000, interval: 200 }).toBeGreaterThan(5);
    const before = await points();
    await expect.poll(points, { timeout: 30_000, interval: 200 }).toBeGreaterThan(before + 20);
    expect(await tile.getAttribute('data-running')).toBe('true');
    expect(await tile.locator('.readings .value').first().textContent()).toMatch(/^\d+\.\d$/);
    expect(await tile.locator('canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUT, 'board.png') });
  }, 90_000);

  it('shows a failed cycle with its failed criterion in words, on the board and in its record', async () => {
    const failed = await cycleWhere('device=AC-02&verdict=fail');
    expect(failed.failed).toContain('saturated_steam');
    await page.waitForSelector('.tile[data-device="AC-02"] .last .verdict.fail', { timeout: 15_000 });
    expect(await page.locator('.tile[data-device="AC-02"] .last').textContent()).toContain('Saturated steam (T − T_sat)');
    await page.click('.tile[data-device="AC-02"] .last');
    await page.waitForURL(/\/cycles\//);
    const row = page.locator('tr[data-criterion="saturated_steam"]');
    expect(await row.getAttribute('class')).toContain('bad');
    expect(await row.textContent()).toMatch(/Saturated steam \(T − T_sat\)[\s\S]*fail[\s\S]*colder than saturated steam/);
    await page.screenshot({ path: path.join(OUT, 'record-failed.png'), fullPage: true });
  }, 90_000);

  it('shows the quarantined load in the release queue', async () => {
    await page.goto(`${url}/queue`);
    const row = page.locator('.queue-blocked tr[data-status="quarantined"]').first();
    expect(await row.textContent()).toMatch(/AC-02[\s\S]*quarantined[\s\S]*cycle failed verification/);
    await page.screenshot({ path: path.join(OUT, 'queue.png'), fullPage: true });
  }, 30_000);

  it('finds the cycle that sterilized a tray from its scanned code', async () => {
    const tray = await cycleWhere(`q=${encodeURIComponent(TRAY)}`, 90_000);
    await page.goto(`${url}/history`);
    await page.fill('input[name="q"]', TRAY);
    await page.press('input[name="q"]', 'Enter');
    await page.waitForSelector('.search-result');
    expect(await page.locator('.search-result').textContent()).toContain('was in 1 cycle(s)');
    await page.screenshot({ path: path.join(OUT, 'history-search.png'), fullPage: true });
    await page.click(`tr[data-seq="${tray.seq}"] a`);
    await page.waitForURL(`**/cycles/${tray.recordId}`);
    expect(await page.locator('.cr-load').textContent()).toMatch(/SET-1[\s\S]*SET-2/);
  }, 120_000);

  it('prints the report to one A4 page with the curve and the criteria', async () => {
    const failed = await cycleWhere('device=AC-02&verdict=fail');
    await page.goto(`${url}/cycles/${failed.recordId}/report`);
    expect(await page.locator('svg.curve polyline').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.cr-criteria tr.crit').count()).toBeGreaterThanOrEqual(6);
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    fs.writeFileSync(path.join(OUT, 'report.pdf'), pdf);
    expect(pdfPageCount(pdf)).toBe(1);
    const [w, h] = pdfPageSize(pdf) ?? [0, 0];
    expect(Math.round(w)).toBe(595);
    expect(Math.round(h)).toBe(842);
  }, 60_000);

  it('renders in Simplified Chinese', async () => {
    await page.goto(`${url}/?lang=zh-CN`);
    await page.waitForSelector('#board[data-state="live"]');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-Hans');
    expect(await page.locator('header nav').textContent()).toContain('设备总览');
    expect(await page.locator('.tile[data-device="AC-01"] .link').textContent()).toBe('已连接');
    await page.screenshot({ path: path.join(OUT, 'board-zh.png') });
    const failed = await cycleWhere('device=AC-02&verdict=fail');
    await page.goto(`${url}/cycles/${failed.recordId}`); // the language stays chosen (cookie)
    const text = await page.locator('article.cr').textContent();
    expect(text).toContain('不合格');
    expect(text).toContain('维持时间');
    expect(text).toContain('灭菌温度');
    await page.screenshot({ path: path.join(OUT, 'record-zh.png'), fullPage: true });
    await page.goto(`${url}/?lang=en`);
  }, 60_000);

  it('loaded every page without a script error, a CSP violation or a failed request', () => {
    expect(problems).toEqual([]);
  });
});
