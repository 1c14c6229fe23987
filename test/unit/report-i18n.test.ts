// The page and the report in two languages: every text exists in both, with the same placeholders, and
// every criterion, phase, release status and reason code the gateway writes has words in both.
import { describe, expect, it } from 'vitest';
import { REASON_CODES, RELEASE_STATUSES } from '../../gateway/load/index.js';
import { LOANER_HOLDS, LOANER_STATUSES, LOANER_STEPS } from '../../gateway/load/loaner-state.js';
import { criterionTitle, fill, LOCALES, MESSAGES, phaseName, reasonName, resultName, statusName, t, verdictName } from '../../gateway/report/i18n.js';
import { BOWIE_DICK_CRITERIA, LEAK_TEST_CRITERIA, STEAM_CRITERIA, WASHER_CRITERIA } from '../../gateway/verify/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** The phases of vocabulary/phases.ts (steam, washer, test cycles) and the idle state. */
const PHASES = [
  'idle',
  'conditioning',
  'heating',
  'sterilizing',
  'exhaust',
  'drying',
  'aeration',
  'complete',
  'fault',
  'prewash',
  'wash',
  'neutralize',
  'rinse',
  'disinfect',
  'leak-stabilize',
  'leak-measure',
];
/** docs/verification.md: every criterion id a record can carry. */
const CRITERIA = [...new Set([...STEAM_CRITERIA, ...BOWIE_DICK_CRITERIA, ...LEAK_TEST_CRITERIA, ...WASHER_CRITERIA, 'temp_stability'])];

describe('i18n', () => {
  it('has every key in every locale, non-empty, with the same placeholders', () => {
    const keys = Object.keys(MESSAGES.en).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(MESSAGES[locale]).sort(), locale).toEqual(keys);
      for (const k of keys) {
        const text = (MESSAGES[locale] as Record<string, string>)[k] as string;
        expect(text.trim(), `${locale} ${k}`).not.toBe('');
        expect(placeholders(text), `${locale} ${k}`).toEqual(placeholders((MESSAGES.en as Record<string, string>)[k] as string));
      }
    }
  });

  it('names every loaner status, hold and timeline step in both languages', () => {
    for (const locale of LOCALES) {
      for (const s of LOANER_STATUSES) expect(Object.hasOwn(MESSAGES[locale], `loanerStatus.${s}`), `${locale} loanerStatus.${s}`).toBe(true);
      for (const h of LOANER_HOLDS) expect(Object.hasOwn(MESSAGES[locale], `loanerHold.${h}`), `${locale} loanerHold.${h}`).toBe(true);
      for (const s of LOANER_STEPS) expect(Object.hasOwn(MESSAGES[locale], `loanerStep.${s}`), `${locale} loanerStep.${s}`).toBe(true);
    }
  });

  it('names every criterion, phase, release status and reason code in both languages (no raw ids shown)', () => {
    for (const locale of LOCALES) {
      for (const id of CRITERIA) expect(criterionTitle(locale, id), `${locale} criterion ${id}`).not.toBe(id);
      for (const p of PHASES) expect(Object.hasOwn(MESSAGES[locale], `phase.${p}`), `${locale} phase.${p}`).toBe(true);
      for (const s of RELEASE_STATUSES) expect(Object.hasOwn(MESSAGES[locale], `status.${s}`), `${locale} status.${s}`).toBe(true);
      for (const r of REASON_CODES) expect(Object.hasOwn(MESSAGES[locale], `reason.${r}`), `${locale} reason.${r}`).toBe(true);
    }
  });

  it('speaks the register a CSSD in China reads: 灭菌温度, 维持时间, 合格/不合格', () => {
    expect(criterionTitle('zh-CN', 'temp_band')).toBe('灭菌温度');
    expect(criterionTitle('zh-CN', 'hold_time')).toBe('维持时间');
    expect(verdictName('zh-CN', 'pass')).toBe('合格');
    expect(verdictName('zh-CN', 'fail')).toBe('不合格');
    expect(resultName('zh-CN', null)).toBe('不适用');
    expect(statusName('zh-CN', 'quarantined')).toBe('隔离');
    expect(reasonName('en', 'cycle-failed')).toBe('cycle failed verification');
  });

  it('shows an id it does not know as it is, and fills placeholders', () => {
    expect(criterionTitle('en', 'future_criterion')).toBe('future_criterion');
    expect(statusName('zh-CN', 'held-by-pharmacy')).toBe('held-by-pharmacy');
    expect(phaseName('en', null)).toBe('—');
    expect(t('en', 'history.itemFound', { code: 'X1', count: 2 })).toBe('Item X1 was in 2 cycle(s):');
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
