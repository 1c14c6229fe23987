// The printable cycle report (pure): a failed criterion in words, the curve inline, load, release
// history and integrity; both languages; nothing that runs or loads from elsewhere; hostile text from a
// device or an operator escaped.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimate, niceStep, renderCurveSvg } from '../../gateway/report/curve-svg.js';
import { type ReportInput, renderCycleRecord, renderCycleReport } from '../../gateway/report/report-html.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { getProgram } from '../../gateway/verify/index.js';
import { goldenCycleBody, releaseBody } from '../helpers/cycle-records.js';

function signed(seq: number, type: SignedRecord['type'], body: Record<string, unknown>, device = 'AC-01'): SignedRecord {
  return {
    schema: 'sterilink.record/1',
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    type,
    ts: '2026-03-02T09:00:00.000Z',
    site: 'st-marien',
    gateway: 'gw1',
    device,
    body,
    prevHash: '1'.repeat(64),
    hash: 'f'.repeat(64),
    sig: 'c2ln',
    keyId: 'abcdef0123456789',
  };
}

function input(record: SignedRecord, over: Partial<ReportInput> = {}): ReportInput {
  const programId = record.body.program as string;
  return {
    record,
    releases: [],
    biRecords: [],
    integrity: { hashValid: true, signatureValid: true, chainLinked: true },
    program: getProgram(programId),
    locale: 'en',
    timeZone: 'Europe/Berlin',
    generatedAt: '2026-03-02T12:00:00.000Z',
    version: '0.1.0',
    ...over,
  };
}

const air = signed(
  17,
  'cycle',
  goldenCycleBody({
    file: 'steam-134-4-air.csv',
    programId: 'steam-134-4',
    cycleNo: 1042,
    cycleId: 'cyc-air',
    loadId: 'L-77',
    items: [
      { raw: '(01)04000000000174(21)SET-1', gtin: '04000000000174', serial: 'SET-1' },
      { raw: 'IMPL', gtin: '07612345000015', serial: 'S1', lot: 'IMPL1', implant: true },
    ],
  }),
);
const pass = signed(5, 'cycle', goldenCycleBody({ file: 'steam-134-4-pass.csv', programId: 'steam-134-4', cycleNo: 1041 }));

describe('cycle report', () => {
  it('shows a failed cycle with its failed criterion in words, measured, limit and the detail', () => {
    const html = renderCycleReport(input(air));
    expect(html).toMatch(/data-verdict="fail"/);
    expect(html).toContain('FAIL');
    const row = /<tr class="crit bad" data-criterion="saturated_steam">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    // the criterion in words, its limit, the detail and the outcome
    for (const text of ['Saturated steam (T − T_sat)', '≤ 2 K', 'air or non-condensable gas', '>fail<']) expect(row).toContain(text);
    expect(html).toContain('<tr class="crit ok" data-criterion="hold_time">');
    expect(html).toContain('Sterilization cycle report');
    expect(html).toContain('2026-03-02 09:00:00'); // 08:00 UTC in Berlin (CET)
  });

  it('carries the curve as inline SVG with the sterilization band and the hold window, and no script or external request', () => {
    const html = renderCycleReport(input(pass));
    expect(html).toMatch(/<svg [^>]*class="curve"/);
    expect(html).toContain('sterilization band 134–137 °C');
    expect(html.match(/<polyline /g)?.length).toBeGreaterThanOrEqual(2); // temperature and pressure
    expect(html).toContain('>hold</text>');
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|src=/i);
    expect(html.match(/https?:\/\/[^"'\s)]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('lists the load, the release history and the integrity status', () => {
    const releases = [
      signed(
        18,
        'release',
        releaseBody({
          loadId: 'L-77',
          cycleId: 'cyc-air',
          status: 'pending',
          reasonCode: 'load-closed',
          reason: 'load closed by OP7; cycle running',
          operator: 'OP7',
          at: '2026-03-02T08:00:00Z',
        }),
      ),
      signed(
        19,
        'release',
        releaseBody({
          loadId: 'L-77',
          cycleId: 'cyc-air',
          status: 'quarantined',
          previousStatus: 'pending',
          reasonCode: 'cycle-failed',
          reason: 'cycle verification failed: saturated_steam',
          at: '2026-03-02T08:40:00Z',
        }),
      ),
    ];
    const html = renderCycleReport(input(air, { releases, integrity: { hashValid: true, signatureValid: false, chainLinked: null } }));
    expect(html).toContain('SET-1');
    expect(html).toContain('IMPL1');
    expect(html).toMatch(/implant<\/span>/);
    expect(html).toContain('Release history · <span class="status s-quarantined">quarantined</span>');
    expect(html).toContain('cycle verification failed: saturated_steam');
    expect(html).toContain('gateway rules');
    expect(html).toContain(air.hash);
    expect(html).toContain(air.keyId);
    expect(html).toMatch(/Signature valid<\/dt><dd><span class="badge bad">NO</);
    expect(html).toMatch(/Chained to its neighbours<\/dt><dd><span class="badge na">unknown</);
  });

  it('renders in Simplified Chinese', () => {
    const html = renderCycleReport(input(air, { locale: 'zh-CN' }));
    // the page's language, its title, the verdict and the criteria in Chinese
    for (const text of ['<html lang="zh-Hans">', '压力蒸汽灭菌循环报告', '不合格', '维持时间', '灭菌温度', '饱和蒸汽']) expect(html).toContain(text);
  });

  it('escapes what devices and operators typed', () => {
    const body = { ...pass.body, info: { operator: '<script>alert(1)</script>', loadId: '"><img src=x onerror=alert(2)>' }, device: 'AC-01' };
    const evil = signed(6, 'cycle', body, 'AC-01');
    (evil.body.criteria as { detail: string }[])[0]!.detail = '</td><script>x()</script>';
    const html = renderCycleReport(input(evil));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders a record with fields missing (older or foreign gateway) instead of failing', () => {
    const bare = signed(7, 'cycle', { verdict: 'pass' });
    const html = renderCycleReport(input(bare));
    expect(html).toContain('PASS');
    expect(html).toContain('No curve');
    expect(html).toContain('No items were scanned');
  });

  it('gives the page the same sections plus the machine printout and a link to the report', () => {
    const html = renderCycleRecord(input(air), { printout: ['==== STERILIZER SZ-01', '09:32:33  START <b>'], reportHref: '/cycles/x/report' });
    expect(html).toContain('Machine printout');
    expect(html).toContain('START &lt;b&gt;');
    expect(html).toContain('href="/cycles/x/report"');
    expect(html).toContain('data-criterion="saturated_steam"');
  });
});

describe('curve SVG', () => {
  it("keeps each pixel column's minimum and maximum, so a short excursion stays visible", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -50, max: 200, noNaN: true }), { minLength: 1, maxLength: 3000 }), (values) => {
        const t = values.map((_, i) => i);
        const ys = decimate(
          t,
          values,
          (x) => (x / Math.max(1, values.length - 1)) * 300,
          (v) => v,
        )
          .join(' ')
          .split(' ')
          .map((p) => Number(p.split(',')[1]));
        expect(Math.max(...ys)).toBeCloseTo(Math.max(...values), 0);
        expect(Math.min(...ys)).toBeCloseTo(Math.min(...values), 0);
        expect(ys.length).toBeLessThanOrEqual(2 * 301);
      }),
    );
  });

  it('breaks the line where a value is missing and finds readable tick steps', () => {
    expect(
      decimate(
        [0, 1, 2, 3, 4],
        [1, 2, null, 4, 5],
        (x) => x * 100,
        (v) => v,
      ),
    ).toHaveLength(2);
    expect(niceStep(73, 5)).toBe(20);
    expect(niceStep(0.9, 5)).toBe(0.2);
    expect(renderCurveSvg({ t_s: [], temp_c: [] }, {}, { temp: 'T', temp2: 'T2', pressure: 'p', band: 'b', hold: 'h', minutes: 'min' })).toBeNull();
  });
});
