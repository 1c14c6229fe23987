// Budget (docs/performance.md): verify a 2-hour, 1 Hz steam trace in ≤ 5 ms (Raspberry Pi headroom: 10–20×).

import { type CycleTrace, getProgram, psatKpa, type SteamProgram, type TraceSample, verifyCycle } from '../gateway/verify/index.js';
import { median } from './stats.js';

/** 7200 samples at 1 Hz: pulsed conditioning, heat-up, a 1 h plateau at 134 °C with a load probe, exhaust, drying. */
export function twoHourSteamTrace(): CycleTrace {
  const samples: TraceSample[] = [];
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let t = 0; t < 7200; t++) {
    let temp: number;
    let phase: TraceSample['phase'];
    if (t < 1200) [temp, phase] = [70 + 40 * Math.abs(Math.sin((t / 300) * Math.PI)), 'conditioning'];
    else if (t < 1800) [temp, phase] = [100 + (35 * (t - 1200)) / 600, 'heating'];
    else if (t < 5400) [temp, phase] = [135.2, 'sterilizing'];
    else if (t < 5700) [temp, phase] = [135 - (45 * (t - 5400)) / 300, 'exhaust'];
    else if (t < 7000) [temp, phase] = [90, 'drying'];
    else if (t < 7199) [temp, phase] = [85, 'aeration'];
    else [temp, phase] = [85, 'complete'];
    const drain = temp + rnd() * 0.4;
    samples.push({ t, temp_c: drain, temp2_c: temp - 0.3 + rnd() * 0.2, pressure_kpa: psatKpa(drain) + rnd(), phase });
  }
  return { samples, chamberLitres: 400 };
}

/** Median wall time of verifyCycle on the 2-hour trace, over `runs` runs after a warm-up. */
export function benchVerify(runs = 51): Record<string, number> {
  const trace = twoHourSteamTrace();
  const program = getProgram('steam-134-18') as SteamProgram;
  for (let i = 0; i < 10; i++) verifyCycle(trace, program);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = verifyCycle(trace, program);
    times.push(performance.now() - t0);
    if (r.verdict !== 'pass')
      throw new Error(
        `bench trace must pass, failed: ${r.criteria
          .filter((c) => c.pass === false)
          .map((c) => c.id)
          .join(', ')}`,
      );
  }
  return { verify2hTraceMs: Number(median(times).toFixed(3)) };
}
