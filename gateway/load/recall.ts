// Recall scope after a valid positive BI (standards §1.7, §4.2; cssd-devices §4.1 step 9): every item
// of every load on that sterilizer whose cycle started after the cycle of its last valid negative BI
// before the positive one, up to now (the positive load and later loads included: the sterilizer is
// suspect until a BI reads negative again). No negative BI on record: every load on record.
// After an indicator (CI, class-5) read as failed on a released load (standards §1.7: a failed indicator
// means the load is not used): that load alone, since the indicator speaks for its load, not for the
// sterilizer. Pure.

import { compareText } from '../../vocabulary/compare-text.js';
import type { LoadItem } from './load-contents.js';
import type { ReleaseStatus } from './release-status.js';

export interface RecallCandidate {
  loadId: string;
  cycleId: string | null;
  cycleNo: number | null;
  startedAt: number;
  status: ReleaseStatus;
  items: LoadItem[];
  /** A valid negative BI was read for this load. */
  biNegative: { recordId: string } | null;
}

export interface RecalledItem extends Omit<LoadItem, 'scanRecordId' | 'at'> {
  loadId: string;
  cycleId: string | null;
  cycleNo: number | null;
}

export interface RecallRecordBody {
  device: string;
  /** A positive BI (biRecordId), or an indicator read as failed after release (biRecordId null; indicator, operator, scanRecordId). */
  trigger: {
    biRecordId: string | null;
    loadId: string;
    cycleId: string | null;
    indicator?: 'ci' | 'class5';
    operator?: string;
    scanRecordId?: string | null;
  };
  /** The load whose negative BI bounds the recall; null when there is none on record. */
  since: { loadId: string; cycleId: string | null; startedAt: string; biRecordId: string } | null;
  loads: Array<{ loadId: string; cycleId: string | null; cycleNo: number | null; startedAt: string; status: ReleaseStatus; items: number }>;
  items: RecalledItem[];
  reason: string;
  at: string;
}

export interface RecallPlan {
  body: RecallRecordBody;
  /** The loads in scope, oldest first. */
  loads: RecallCandidate[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function planRecall(opts: {
  device: string;
  trigger: { biRecordId: string; loadId: string; cycleId: string | null; startedAt: number };
  /** Every load of the device with a cycle (any status). */
  loads: readonly RecallCandidate[];
  at: number;
}): RecallPlan {
  const { device, trigger } = opts;
  let since: RecallCandidate | null = null;
  for (const l of opts.loads) {
    if (l.biNegative && l.startedAt < trigger.startedAt && l.loadId !== trigger.loadId && (!since || l.startedAt > since.startedAt)) since = l;
  }
  const scope = opts.loads
    .filter((l) => l.loadId === trigger.loadId || since === null || l.startedAt > since.startedAt)
    .sort((a, b) => a.startedAt - b.startedAt || compareText(a.loadId, b.loadId));
  const items: RecalledItem[] = [];
  for (const l of scope) {
    for (const { scanRecordId: _s, at: _a, ...item } of l.items) items.push({ ...item, loadId: l.loadId, cycleId: l.cycleId, cycleNo: l.cycleNo });
  }
  const body: RecallRecordBody = {
    device,
    trigger: { biRecordId: trigger.biRecordId, loadId: trigger.loadId, cycleId: trigger.cycleId },
    since: since
      ? { loadId: since.loadId, cycleId: since.cycleId, startedAt: iso(since.startedAt), biRecordId: (since.biNegative as { recordId: string }).recordId }
      : null,
    loads: scope.map((l) => ({
      loadId: l.loadId,
      cycleId: l.cycleId,
      cycleNo: l.cycleNo,
      startedAt: iso(l.startedAt),
      status: l.status,
      items: l.items.length,
    })),
    items,
    reason: since
      ? `positive BI on ${device}: every load since the last negative BI (cycle ${since.cycleId ?? '?'} at ${iso(since.startedAt)})`
      : `positive BI on ${device}: no negative BI on record, every load of the sterilizer`,
    at: iso(opts.at),
  };
  return { body, loads: scope };
}

/** The recall of one released load whose CI or class-5 indicator was read as failed after its release. */
export function planIndicatorRecall(opts: {
  device: string;
  load: RecallCandidate;
  trigger: { indicator: 'ci' | 'class5'; operator: string; scanRecordId: string | null };
  at: number;
}): RecallPlan {
  const l = opts.load;
  const items: RecalledItem[] = l.items.map(({ scanRecordId: _s, at: _a, ...item }) => ({ ...item, loadId: l.loadId, cycleId: l.cycleId, cycleNo: l.cycleNo }));
  const name = opts.trigger.indicator === 'ci' ? 'chemical indicator' : 'class-5 integrating indicator';
  const body: RecallRecordBody = {
    device: opts.device,
    trigger: { biRecordId: null, loadId: l.loadId, cycleId: l.cycleId, ...opts.trigger },
    since: null,
    loads: [{ loadId: l.loadId, cycleId: l.cycleId, cycleNo: l.cycleNo, startedAt: iso(l.startedAt), status: l.status, items: l.items.length }],
    items,
    reason: `${name} of load ${l.loadId} (cycle ${l.cycleId ?? '?'}) read as failed by ${opts.trigger.operator} after its release: every item of that load`,
    at: iso(opts.at),
  };
  return { body, loads: [l] };
}
