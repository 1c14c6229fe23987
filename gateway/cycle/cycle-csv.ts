// A stored cycle record's curve back in the trace format (docs/verification.md), so it can be re-verified
// independently with `verify-trace`, unchanged: `#` comment lines first (the caller's, then the device's
// own result as `# result: ok|fail|aborted`, docs/verification.md), then the header and the samples.
import { type DeviceResult, type Phase, type TraceSample, writeTraceCsv } from '../verify/index.js';

interface CurveBody {
  curve?: { t_s?: (number | null)[]; temp_c?: (number | null)[]; pressure_kpa?: (number | null)[]; temp2_c?: (number | null)[] };
  phases?: { phase: Phase; t_s: number | null }[];
  /** What the device printed or sent at the end; null when it said nothing (an inferred or silent end). */
  end?: { status?: DeviceResult | null };
}

export function cycleTraceCsv(body: Record<string, unknown>, comments: readonly string[] = []): string {
  const b = body as CurveBody;
  const t = b.curve?.t_s ?? [];
  const phases = (b.phases ?? []).filter((p) => p.t_s !== null) as { phase: Phase; t_s: number }[];
  const samples: TraceSample[] = [];
  let pi = -1;
  t.forEach((ts, i) => {
    if (ts === null) return;
    while (pi + 1 < phases.length && (phases[pi + 1] as { t_s: number }).t_s <= ts) pi++;
    const s: TraceSample = { t: ts, temp_c: b.curve?.temp_c?.[i] ?? null, pressure_kpa: b.curve?.pressure_kpa?.[i] ?? null };
    if (b.curve?.temp2_c) s.temp2_c = b.curve.temp2_c[i] ?? null;
    const ph = phases[pi]?.phase;
    if (ph) s.phase = ph;
    samples.push(s);
  });
  const status = b.end?.status;
  return writeTraceCsv(samples, { comments, ...(status ? { deviceResult: status } : {}) });
}
