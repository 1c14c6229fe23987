// The simulated reader's lines for one vial, checked against the driver's parser (written apart).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialBiParserState, parseBiLine } from '../../drivers/bi-reader/parse.js';
import { type BiReaderModelSettings, type BiVialPlan, vialLines } from '../../simulators/bi/bi-reader-model.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';

const T0 = Date.parse('2026-11-27T08:00:00Z');
const MIN = 60_000;
const S: BiReaderModelSettings = { incubationMin: 24, product: '1492V', program: 'SUPER-RAPID', positiveAtFraction: 0.5, checksum: true };

function parsed(plan: BiVialPlan, settings = S): DeviceEvent[] {
  let state = initialBiParserState();
  const out: DeviceEvent[] = [];
  for (const l of vialLines(T0, plan, settings)) {
    const r = parseBiLine(state, l.text, { deviceId: 'BI', recvTs: 0 });
    state = r.state;
    out.push(...r.events.filter((e) => e.kind !== 'raw'));
  }
  return out;
}

describe('BI reader model', () => {
  it('a negative vial: START now, RESULT NEG after the readout time', () => {
    const lines = vialLines(T0, { well: 2, lot: 'A2301', vial: 'SN0001' }, S);
    expect(lines.map((l) => [l.atMs - T0, l.text.replace(/ \*[0-9A-F]{2}$/, '')])).toEqual([
      [0, 'BI START well=2 lot=A2301 product=1492V prog=SUPER-RAPID readout=24 at=2026-11-27T08:00:00Z vial=SN0001 control=0'],
      [24 * MIN, 'BI RESULT well=2 lot=A2301 result=NEG at=2026-11-27T08:24:00Z incubation=24 vial=SN0001'],
    ]);
  });

  it('a positive control is printed as CONTROL as soon as it turns positive', () => {
    const [, result] = vialLines(T0, { well: 1, lot: 'A2301', control: true }, S);
    expect(result?.atMs).toBe(T0 + 12 * MIN);
    expect(result?.text).toMatch(/^BI CONTROL well=1 lot=A2301 result=POS at=2026-11-27T08:12:00Z incubation=12 \*[0-9A-F]{2}$/);
  });

  it('early removal: C2, then INV 10 s later; reinserted in time, the read goes on with the caution noted', () => {
    expect(
      parsed({ well: 3, lot: 'L', removeEarly: true }).map((e) => (e.kind === 'bi-result' ? `${e.result}/${e.caution}/${e.readAt - T0}` : e.kind)),
    ).toEqual(['bi-start', 'bi-caution', `invalid/C2/${10 * MIN + 10_000}`]);
    expect(
      parsed({ well: 3, lot: 'L', removeEarly: { afterMin: 5, reinserted: true } }).map((e) =>
        e.kind === 'bi-result' ? `${e.result}/${e.caution}/${e.readAt - T0}` : e.kind,
      ),
    ).toEqual(['bi-start', 'bi-caution', `negative/C2/${24 * MIN}`]);
  });

  it('every line the model writes parses, with or without checksums', () => {
    fc.assert(
      fc.property(
        fc.record({
          well: fc.integer({ min: 1, max: 99 }),
          lot: fc.stringMatching(/^[A-Za-z0-9._/-]{1,20}$/),
          vial: fc.option(fc.stringMatching(/^[A-Za-z0-9._/+-]{1,32}$/), { nil: undefined }),
          result: fc.constantFrom('negative', 'positive', 'invalid') as fc.Arbitrary<'negative' | 'positive' | 'invalid'>,
          control: fc.boolean(),
          removeEarly: fc.boolean(),
        }),
        fc.integer({ min: 1, max: 2880 }),
        fc.boolean(),
        (plan, incubationMin, checksum) => {
          const events = parsed(plan, { ...S, incubationMin, checksum });
          expect(events.filter((e) => e.kind === 'parse-error')).toEqual([]);
          const result = events.find((e) => e.kind === 'bi-result');
          expect(result).toMatchObject({ well: String(plan.well), lot: plan.lot, control: plan.control, ...(plan.vial !== undefined && { vial: plan.vial }) });
          if (!plan.removeEarly) expect(result).toMatchObject({ result: plan.result });
        },
      ),
      { numRuns: 200 },
    );
  });
});
