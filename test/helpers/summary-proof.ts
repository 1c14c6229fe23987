// REFERENCE for the gateway (not product code): the proposed verification of a summary-only cycle
// (docs/devices.md, "Summary tickets"), used by the simulator tests to show what each fault leaves on a
// summary ticket. Criteria the ticket proves are judged; the others are null with a detail, and whether a
// null blocks release is the program's `requireProof` (the gateway's to implement).
import type { SummaryEvent } from '../../drivers/summary-event.js';
import { tsatC, type CriterionResult, type SteamProgram } from '../../gateway/verify/index.js';

export const NOT_PROVABLE = 'summary ticket: not provable';

const result = (id: CriterionResult['id'], pass: boolean | null, measured: number | null, limit: number | string | null, unit: string, detail: string): CriterionResult =>
  ({ id, pass, measured, limit, unit, detail });

export function verifySummary(s: SummaryEvent, p: SteamProgram, deviceResult: 'ok' | 'aborted' | 'fault' | undefined): CriterionResult[] {
  const lo = p.setTempC;
  const hi = p.setTempC + p.bandK;
  const band = (): CriterionResult => {
    if (s.minTempC === undefined || s.maxTempC === undefined) return result('temp_band', null, null, `${lo}–${hi} °C`, 'K', `${NOT_PROVABLE}: no min/max temperature printed`);
    const ok = s.minTempC >= lo && s.maxTempC <= hi;
    return result('temp_band', ok, ok ? 0 : Math.max(s.maxTempC - hi, lo - s.minTempC), `${lo}–${hi} °C`, 'K', `machine min/max ${s.minTempC}–${s.maxTempC} °C in its sterilize phase`);
  };
  const hold = (): CriterionResult => {
    if (s.sterilizeS !== undefined) return result('hold_time', s.sterilizeS >= p.minHoldS, s.sterilizeS, p.minHoldS, 's', `printed sterilize time ${s.sterilizeS} s`);
    const phases = s.phases ?? [];
    const i = phases.findIndex((ph) => ph.phase === 'sterilizing');
    const next = i >= 0 ? phases[i + 1] : undefined;
    const start = phases[i];
    if (start === undefined || next === undefined) return result('hold_time', null, null, p.minHoldS, 's', `${NOT_PROVABLE}: no sterilize time printed`);
    const atMost = next.atS - start.atS;
    // The next printed phase starts after the exhaust: the hold is at most this long, so only a shortfall is proven.
    if (atMost < p.minHoldS) return result('hold_time', false, atMost, p.minHoldS, 's', `sterilizing ${start.atS} s to ${next.label ?? next.phase} ${next.atS} s: at most ${atMost} s`);
    return result('hold_time', null, null, p.minHoldS, 's', `${NOT_PROVABLE}: at most ${atMost} s (sterilizing to ${next.label ?? next.phase}, exhaust included)`);
  };
  const saturated = (): CriterionResult => {
    const { minTempC: tMin, maxTempC: tMax, minPressureKpa: pMin, maxPressureKpa: pMax } = s;
    const limit = p.maxTsatDiffK;
    if (tMin === undefined || tMax === undefined || pMin === undefined || pMax === undefined) return result('saturated_steam', null, null, limit, 'K', `${NOT_PROVABLE}: no min/max pressure printed`);
    const [sLo, sHi] = [tsatC(pMin), tsatC(pMax)];
    const worst = Math.max(Math.abs(tMax - sLo), Math.abs(tMin - sHi));
    if (worst <= limit) return result('saturated_steam', true, worst, limit, 'K', `every pairing of ${tMin}–${tMax} °C with T_sat ${sLo.toFixed(2)}–${sHi.toFixed(2)} °C is within ${limit} K`);
    const colder = sLo - tMax;
    const hotter = tMin - sHi;
    if (colder > limit) return result('saturated_steam', false, -colder, limit, 'K', `even the hottest reading is ${colder.toFixed(2)} K below the coldest T_sat: air or non-condensable gas`);
    if (hotter > limit) return result('saturated_steam', false, hotter, limit, 'K', `even the coldest reading is ${hotter.toFixed(2)} K above the hottest T_sat: superheat`);
    return result('saturated_steam', null, null, limit, 'K', `${NOT_PROVABLE}: min/max do not say which temperature went with which pressure`);
  };
  const device = (): CriterionResult => {
    if (deviceResult === undefined) return result('device_result', null, null, 'ok', '', 'no device result');
    return result('device_result', deviceResult === 'ok', null, 'ok', '', `the device reported ${deviceResult}`);
  };
  return [
    hold(), band(), saturated(),
    result('equilibration_time', null, null, null, 's', NOT_PROVABLE),
    result('sensor_agreement', null, null, null, 'K', NOT_PROVABLE),
    result('data_complete', null, null, null, 's', NOT_PROVABLE),
    device(),
  ];
}
