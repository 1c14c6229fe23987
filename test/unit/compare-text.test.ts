// Ids sort the same everywhere, whatever the locale: by code unit, upper case before lower, digits first.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareText } from '../../vocabulary/compare-text.js';

describe('compareText', () => {
  it('orders by code unit, not by a locale', () => {
    expect(['b', 'B', 'a-2', 'a1', 'A', '10', '9'].sort(compareText)).toEqual(['10', '9', 'A', 'B', 'a-2', 'a1', 'b']);
  });

  it('is a total order consistent with equality', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(compareText(a, b)).toBe(-compareText(b, a) || 0);
        expect(compareText(a, b) === 0).toBe(a === b);
      }),
    );
  });
});
