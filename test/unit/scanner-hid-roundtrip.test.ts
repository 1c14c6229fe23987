// Property: whatever codes the simulator's keyboard-wedge encoder types (printable ASCII and GS, in
// either record layout, with any GS mode, read in any chunking), the driver's input_event decoder,
// keyboard-wedge decoder and scan framer give back exactly those codes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScanFramer } from '../../drivers/scanner/framer.js';
import { InputEventDecoder } from '../../drivers/scanner/input-event.js';
import { KeyboardWedgeDecoder } from '../../drivers/scanner/keyboard-wedge.js';
import { type GsMode, typeScan } from '../../simulators/scanner/keyboard-wedge-encoder.js';

const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const codeChar = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...PRINTABLE) }, { weight: 1, arbitrary: fc.constant('\u001d') });
const code = fc.array(codeChar, { minLength: 1, maxLength: 60 }).map((cs) => cs.join(''));
const gsMode: fc.Arbitrary<GsMode> = fc.constantFrom<GsMode>('ctrl', 'alt', { fkey: 'F8' });

describe('keyboard wedge round trip', () => {
  it('typed codes decode to themselves', () => {
    fc.assert(
      fc.property(
        fc.array(code, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(16, 24) as fc.Arbitrary<16 | 24>,
        gsMode,
        fc.constantFrom<'\r' | '\t'>('\r', '\t'),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }),
        (codes, layout, gs, suffix, sizes) => {
          const bytes = Buffer.concat(codes.map((c, i) => typeScan(c, { layout, gs, suffix, timeMs: 1_764_230_000_000 + i * 500 })));
          const records = new InputEventDecoder(layout);
          const wedge = new KeyboardWedgeDecoder(typeof gs === 'object' ? { functionKeys: { [gs.fkey]: '\u001d' } } : {});
          const framer = new ScanFramer({ encoding: 'latin1', suffix: suffix === '\t' ? 'tab' : 'cr' });
          const got: string[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const n = sizes[i % sizes.length] ?? 24;
            for (const item of wedge.push(records.push(bytes.subarray(at, at + n)))) {
              if (item.kind === 'lost') throw new Error(`lost: ${item.reason}`);
              for (const s of framer.push(item.bytes)) {
                if (s.kind !== 'code') throw new Error(`unexpected ${s.kind}`);
                got.push(s.text);
              }
            }
            at += n;
          }
          expect(got).toEqual(codes);
          expect(records.pendingBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
