// Verifying a cycle from a machine's summary ticket (min/max and phase times, no samples): criteria the
// ticket proves are judged, the rest are `null` "summary ticket: not provable" (docs/devices.md,
// "Summary tickets: what they prove"). Whether a null blocks release is the program's `requireProof`.
import type { SummaryEvent } from '../../vocabulary/summary-event.js';
import { type CriterionResult, criterion, type VerificationResult, verdictOf } from './criterion.js';
import type { SteamProgram } from './programs.js';
import { applyRequiredProof } from './required-proof.js';
import { tsatC } from './steam-table.js';
import type { DeviceResult } from './trace.js';

export const NOT_PROVABLE = 'summary ticket: not provable';

function band(s: SummaryEvent, p: SteamProgram): CriterionResult {
  const lo = p.setTempC;
  const hi = p.setTempC + p.bandK;
  const limit = `${lo}–${hi} °C`;
  if (s.minTempC === undefined || s.maxTempC === undefined)
    return criterion('temp_band', null, null, limit, 'K', `${NOT_PROVABLE}: no min/max temperature printed`);
  const ok = s.minTempC >= lo && s.maxTempC <= hi;
  return criterion(
    'temp_band',
    ok,
    ok ? 0 : Math.max(s.maxTempC - hi, lo - s.minTempC),
    limit,
    'K',
    `machine min/max ${s.minTempC}–${s.maxTempC} °C in its sterilize phase`,
  );
}

function hold(s: SummaryEvent, p: SteamProgram): CriterionResult {
  if (s.sterilizeS !== undefined)
    return criterion('hold_time', s.sterilizeS >= p.minHoldS, s.sterilizeS, p.minHoldS, 's', `printed sterilize time ${s.sterilizeS} s (the machine's claim)`);
  const phases = s.phases ?? [];
  const i = phases.findIndex((ph) => ph.phase === 'sterilizing');
  const start = i >= 0 ? phases[i] : undefined;
  const next = i >= 0 ? phases[i + 1] : undefined;
  if (start === undefined || next === undefined) return criterion('hold_time', null, null, p.minHoldS, 's', `${NOT_PROVABLE}: no sterilize time printed`);
  const atMost = next.atS - start.atS;
  // The next printed phase starts after the exhaust: the hold is at most this long, so only a shortfall is proven.
  if (atMost < p.minHoldS)
    return criterion(
      'hold_time',
      false,
      atMost,
      p.minHoldS,
      's',
      `sterilizing ${start.atS} s to ${next.label ?? next.phase} ${next.atS} s: at most ${atMost} s`,
    );
  return criterion(
    'hold_time',
    null,
    null,
    p.minHoldS,
    's',
    `${NOT_PROVABLE}: at most ${atMost} s (sterilizing to ${next.label ?? next.phase}, exhaust included)`,
  );
}

function saturated(s: SummaryEvent, p: SteamProgram): CriterionResult {
  const { minTempC: tMin, maxTempC: tMax, minPressureKpa: pMin, maxPressureKpa: pMax } = s;
  const limit = p.maxTsatDiffK;
  if (tMin === undefined || tMax === undefined || pMin === undefined || pMax === undefined)
    return criterion('saturated_steam', null, null, limit, 'K', `${NOT_PROVABLE}: no min/max pressure printed`);
  const sLo = tsatC(pMin);
  const sHi = tsatC(pMax);
  const worst = Math.max(Math.abs(tMax - sLo), Math.abs(tMin - sHi));
  if (worst <= limit)
    return criterion(
      'saturated_steam',
      true,
      worst,
      limit,
      'K',
      `every pairing of ${tMin}–${tMax} °C with T_sat ${sLo.toFixed(2)}–${sHi.toFixed(2)} °C is within ${limit} K`,
    );
  const colder = sLo - tMax;
  const hotter = tMin - sHi;
  if (colder > limit)
    return criterion(
      'saturated_steam',
      false,
      -colder,
      limit,
      'K',
      `even the hottest reading is ${colder.toFixed(2)} K below the coldest T_sat: air or non-condensable gas`,
    );
  if (hotter > limit)
    return criterion('saturated_steam', false, hotter, limit, 'K', `even the coldest reading is ${hotter.toFixed(2)} K above the hottest T_sat: superheat`);
  return criterion('saturated_steam', null, null, limit, 'K', `${NOT_PROVABLE}: min/max do not say which temperature went with which pressure`);
}

function device(result: DeviceResult | undefined): CriterionResult {
  if (result === undefined) return criterion('device_result', null, null, 'ok', '', 'no device result');
  return criterion('device_result', result === 'ok', null, 'ok', '', `the device reported ${result}`);
}

/** The verification of a summary-only steam cycle. */
export function verifySummary(s: SummaryEvent, p: Readonly<SteamProgram>, deviceResult: DeviceResult | undefined): VerificationResult {
  const criteria = [
    hold(s, p),
    band(s, p),
    saturated(s, p),
    criterion('equilibration_time', null, null, null, 's', NOT_PROVABLE),
    criterion('sensor_agreement', null, null, null, 'K', NOT_PROVABLE),
    criterion('temp_stability', null, null, p.maxFluctuationK, 'K', NOT_PROVABLE),
    criterion('data_complete', null, null, null, 's', NOT_PROVABLE),
    device(deviceResult),
  ];
  const last = s.phases?.[s.phases.length - 1]?.atS ?? 0;
  const result: VerificationResult = {
    verdict: verdictOf(criteria),
    program: p.id,
    hold: null,
    criteria,
    stats: {
      samples: 0,
      durationS: last,
      maxGapS: null,
      tempMinC: s.minTempC ?? null,
      tempMaxC: s.maxTempC ?? null,
      pressureMinKpa: s.minPressureKpa ?? null,
      pressureMaxKpa: s.maxPressureKpa ?? null,
      plateauMinC: s.minTempC ?? null,
      plateauMaxC: s.maxTempC ?? null,
      phases: [],
      phaseSeconds: {},
    },
  };
  return applyRequiredProof(result, p);
}
