// Cycle and release record bodies as the gateway makes them, for the page and report tests: a golden
// trace run through the real verifier and the real cycle-record builder (gateway/cycle/cycle-record.ts),
// with optional load contents; release bodies in the shape gateway/load writes.
import { randomUUID } from 'node:crypto';
import { cycleBody, traceOf } from '../../gateway/cycle/cycle-record.js';
import type { FinishedCycle, TrackedSample } from '../../gateway/cycle/cycle-state.js';
import type { Phase } from '../../gateway/verify/index.js';
import { verifyCycle } from '../../gateway/verify/index.js';
import { golden, program } from './verify.js';

export interface GoldenCycleOptions {
  file: string;
  programId: string;
  device?: string;
  deviceType?: string;
  cycleNo?: number;
  /** ms epoch of the first sample. */
  startedAt?: number;
  cycleId?: string;
  info?: Record<string, string>;
  items?: { raw: string; kind?: string; gtin?: string; serial?: string; lot?: string; code?: string; implant?: boolean }[];
  loadId?: string;
  /** Keep every n-th sample only (a smaller record for benches and large stores). */
  every?: number;
}

/** The body of a `cycle` record for a golden trace, built by the gateway's own code. */
export function goldenCycleBody(o: GoldenCycleOptions): Record<string, unknown> {
  const t0 = o.startedAt ?? Date.parse('2026-03-02T08:00:00Z');
  const every = o.every ?? 1;
  const samples: TrackedSample[] = golden(o.file)
    .filter((_, i) => i % every === 0)
    .map((s) => ({
      ts: t0 + s.t * 1000,
      temp_c: s.temp_c,
      ...(s.temp2_c !== undefined ? { temp2_c: s.temp2_c } : {}),
      ...(s.pressure_kpa !== undefined ? { pressure_kpa: s.pressure_kpa } : {}),
      ...(s.phase ? { phase: s.phase } : {}),
    }));
  const phases: { phase: Phase; ts: number }[] = [];
  for (const s of samples) if (s.phase && phases.at(-1)?.phase !== s.phase) phases.push({ phase: s.phase, ts: s.ts });
  const end = samples.at(-1)?.ts ?? t0;
  const cycle: FinishedCycle = {
    cycleId: o.cycleId ?? randomUUID(),
    deviceId: o.device ?? 'AC-01',
    startedAt: t0,
    startSeen: true,
    cycleNo: o.cycleNo ?? 1042,
    info: o.info ?? { operator: 'OP7' },
    phases,
    samples,
    alarms: [],
    interruptions: [],
    lastRecvTs: end,
    endedAt: end,
    endReason: 'device',
    endStatus: 'ok',
  };
  const p = program(o.programId);
  const trace = traceOf(cycle, 300);
  const items = (o.items ?? []).map((i) => ({ kind: 'gs1', implant: false, expired: false, at: new Date(t0 - 60_000).toISOString(), ...i }));
  const load =
    o.items || o.loadId
      ? {
          loadId: o.loadId ?? randomUUID(),
          operator: 'OP7',
          station: cycle.deviceId,
          openedAt: new Date(t0 - 120_000).toISOString(),
          closedAt: new Date(t0).toISOString(),
          items,
          bi: null,
          indicators: [],
          implant: items.some((i) => i.implant),
          expired: 0,
        }
      : null;
  return cycleBody({
    cycle,
    deviceType: o.deviceType ?? 'steam-sterilizer',
    choice: { program: p, id: p.id, source: 'config-default' },
    program: p,
    trace,
    result: verifyCycle(trace, p),
    binding: { sampleChain: { seq: samples.length, hash: 'a'.repeat(64) }, raw: { lines: 0, sha256: 'b'.repeat(64) } },
    load,
  });
}

/** The body of a `release` record (gateway/load/release-status.ts ReleaseRecordBody). */
export function releaseBody(o: {
  loadId: string;
  cycleId: string | null;
  cycleNo?: number;
  device?: string;
  status: string;
  previousStatus?: string | null;
  reasonCode: string;
  reason: string;
  operator?: string | null;
  kind?: string;
  at: string;
  ci?: 'pass' | 'fail' | null;
}): Record<string, unknown> {
  return {
    loadId: o.loadId,
    cycleId: o.cycleId,
    cycleNo: o.cycleNo ?? 1042,
    device: o.device ?? 'AC-01',
    cycleKind: o.kind ?? 'load',
    status: o.status,
    previousStatus: o.previousStatus ?? null,
    reasonCode: o.reasonCode,
    reason: o.reason,
    operator: o.operator ?? null,
    decidedBy: o.operator ? 'operator' : 'gateway',
    supersedes: null,
    correction: false,
    evidence: {
      cycleRecordId: null,
      verdict: null,
      program: null,
      ci: o.ci ?? null,
      class5: null,
      bowieDickSheet: null,
      biRequired: [],
      bi: null,
      recallRecordId: null,
    },
    scanRecordId: null,
    at: o.at,
  };
}
