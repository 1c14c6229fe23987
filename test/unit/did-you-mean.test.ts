// The typo helper behind "did you mean" for CLI verbs, options, program ids and config keys.
import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../vocabulary/did-you-mean.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('verify', 'verfy')).toBe(1);
    expect(editDistance('run', 'nur')).toBe(2);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['check-config', 'chek-conifg'],
      ['db', 'bd'],
      ['steam-134-4', 'steam-143-4'],
    ] as const)
      expect(editDistance(a, b)).toBe(editDistance(b, a));
  });
});

describe('closestMatch / didYouMean', () => {
  const verbs = ['run', 'demo', 'simulate', 'verify-trace', 'check-config', 'db', 'keys', 'report', 'loaner', 'programs', 'watch'];

  it('finds the word a typo was meant to be', () => {
    expect(closestMatch('simualte', verbs)).toBe('simulate');
    expect(closestMatch('chek-config', verbs)).toBe('check-config');
    expect(closestMatch('verify-tarce', verbs)).toBe('verify-trace');
    expect(closestMatch('baudrate', ['baudRate', 'dataBits', 'parity'])).toBe('baudRate');
    expect(closestMatch('steam-134-5', ['steam-121-20', 'steam-134-4', 'steam-134-18'])).toBe('steam-134-4');
  });

  it('says nothing when no known word is close, or the word is known', () => {
    expect(closestMatch('frobnicate', verbs)).toBeNull();
    expect(closestMatch('x', ['db'])).toBeNull();
    expect(closestMatch('run', verbs)).toBeNull();
    expect(didYouMean('frobnicate', verbs)).toBe('');
    expect(didYouMean('raport', verbs)).toBe(' (did you mean "report"?)');
  });

  it('prefers the closest, then the first listed', () => {
    expect(closestMatch('keyz', ['keys', 'key'])).toBe('keys');
    expect(closestMatch('ab', ['ac', 'ad'])).toBe('ac');
  });
});
