// Per-device cycle tracking: device events in, finished cycles out. Pure logic with the clock passed in,
// so restarts, idle timeouts and odd event orders are unit-tested without I/O.
//
// A cycle starts at the device's `cycle-start` (ticket header), or, when that was missed (the gateway
// was down when it printed), at the first sample that carries a running phase; such a cycle is marked
// `startSeen: false`. It ends at `cycle-end`, at a new `cycle-start` (superseded), or after
// `idleTimeoutMs` without any event from the device.
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';
import type { CycleEndReason, FinishedCycle, OpenCycle, OpenCycleSnapshot, TrackedSample } from './cycle-state.js';

export type TrackerChange =
  | { kind: 'opened'; cycle: OpenCycle }
  | { kind: 'phase'; cycle: OpenCycle; phase: Phase }
  | { kind: 'finished'; cycle: FinishedCycle };

export interface CycleTrackerOptions {
  deviceId: string;
  idleTimeoutMs: number;
  newId: () => string;
}

const RUNNING_EXCLUDED: ReadonlySet<Phase> = new Set<Phase>(['complete']);

/** Phases that only come after a cycle's plateau (steam) or disinfection (washer). */
const LATE: ReadonlySet<Phase> = new Set<Phase>(['exhaust', 'drying', 'aeration', 'complete', 'disinfect', 'leak-measure']);
/** Phases that only come before a cycle's plateau (steam) or disinfection (washer), or are its plateau. */
const EARLY: ReadonlySet<Phase> = new Set<Phase>(['conditioning', 'heating', 'sterilizing', 'prewash', 'wash']);

/** A cycle that already went past its plateau and now shows an early phase again is a new cycle whose
 * header (and the old one's result) the gateway did not receive, e.g. while it was restarting: down from
 * the old cycle's drying to the new one's heating, it sees HEAT UP next. */
export function startsNewCycle(seen: readonly { phase: Phase }[], next: Phase): boolean {
  return EARLY.has(next) && seen.some((p) => LATE.has(p.phase));
}

export class CycleTracker {
  private open: OpenCycle | null = null;
  private readonly opts: CycleTrackerOptions;

  constructor(opts: CycleTrackerOptions) {
    this.opts = opts;
  }

  get current(): Readonly<OpenCycle> | null {
    return this.open;
  }

  /** Continue a cycle that was open when the gateway stopped. */
  resume(snapshot: OpenCycleSnapshot, samples: TrackedSample[], now: number, reason = 'gateway restart'): void {
    const lastSampleTs = samples.length ? (samples[samples.length - 1] as TrackedSample).ts : null;
    this.open = {
      ...snapshot,
      samples,
      interruptions: [...snapshot.interruptions, { resumedAt: now, lastSampleTs, reason }],
      lastRecvTs: now,
    };
  }

  handle(e: DeviceEvent, now: number): TrackerChange[] {
    const out: TrackerChange[] = [];
    switch (e.kind) {
      case 'cycle-start': {
        if (this.open) out.push({ kind: 'finished', cycle: this.finish('superseded', now, e.ts) });
        // A driver that saw a new cycle number but not the cycle's start (polls failing) says so.
        const c = this.openCycle(e.ts, now, e.startObserved !== false, e.deviceTime);
        if (e.program !== undefined) c.program = e.program;
        if (e.programNo !== undefined) c.programNo = e.programNo;
        if (e.cycleNo !== undefined) c.cycleNo = e.cycleNo;
        c.info = { ...(e.info ?? {}) };
        out.push({ kind: 'opened', cycle: c });
        break;
      }
      case 'sample': {
        if (this.open && e.phase !== undefined && startsNewCycle(this.open.phases, e.phase)) {
          out.push({ kind: 'finished', cycle: this.finish('superseded', now, e.ts) });
        }
        if (!this.open && e.phase !== undefined && !RUNNING_EXCLUDED.has(e.phase) && e.phase !== 'fault') {
          const c = this.openCycle(e.ts, now, false, e.deviceTime);
          out.push({ kind: 'opened', cycle: c });
          c.phases.push({ phase: e.phase, ts: e.ts });
          out.push({ kind: 'phase', cycle: c, phase: e.phase });
        }
        if (this.open) {
          const c = this.open;
          c.lastRecvTs = now;
          if (e.deviceTime !== undefined) c.deviceClock = true;
          const phase = e.phase ?? c.phases[c.phases.length - 1]?.phase;
          if (phase !== undefined && phase !== c.phases[c.phases.length - 1]?.phase) {
            c.phases.push({ phase, ts: e.ts });
            out.push({ kind: 'phase', cycle: c, phase });
          }
          const s: TrackedSample = { ts: e.ts, temp_c: e.temp_c };
          if (e.temp2_c !== undefined) s.temp2_c = e.temp2_c;
          if (e.pressure_kpa !== undefined) s.pressure_kpa = e.pressure_kpa;
          if (phase !== undefined) s.phase = phase;
          c.samples.push(s);
        }
        break;
      }
      case 'phase': {
        if (this.open && startsNewCycle(this.open.phases, e.phase)) {
          out.push({ kind: 'finished', cycle: this.finish('superseded', now, e.ts) });
        }
        if (!this.open && !RUNNING_EXCLUDED.has(e.phase) && e.phase !== 'fault') {
          const c = this.openCycle(e.ts, now, false);
          out.push({ kind: 'opened', cycle: c });
        }
        if (this.open) {
          const c = this.open;
          c.lastRecvTs = now;
          if (c.phases[c.phases.length - 1]?.phase !== e.phase) {
            c.phases.push(e.label === undefined ? { phase: e.phase, ts: e.ts } : { phase: e.phase, ts: e.ts, label: e.label });
            out.push({ kind: 'phase', cycle: c, phase: e.phase });
          }
        }
        break;
      }
      case 'summary':
        if (this.open) {
          this.open.lastRecvTs = now;
          this.open.summary = e;
        }
        break;
      case 'alarm':
        if (this.open) {
          this.open.lastRecvTs = now;
          this.open.alarms.push({ ts: e.ts, code: e.code, text: e.text });
        }
        break;
      case 'cycle-end':
        if (this.open) {
          const f = this.finish('device', now, e.ts);
          // A stream without a result line (AMSCO-like) ends by inference: that is no result of the device's.
          if (e.inferred) f.endInferred = true;
          else f.endStatus = e.status;
          if (e.code !== undefined) f.endCode = e.code;
          if (e.text !== undefined) f.endText = e.text;
          out.push({ kind: 'finished', cycle: f });
        }
        break;
      default:
        if (this.open && e.kind === 'raw') this.open.lastRecvTs = now;
    }
    return out;
  }

  /** Closes a cycle whose device went silent for longer than the idle timeout. */
  tick(now: number): TrackerChange[] {
    if (this.open && now - this.open.lastRecvTs >= this.opts.idleTimeoutMs) {
      const last = this.open.samples[this.open.samples.length - 1]?.ts ?? this.open.startedAt;
      return [{ kind: 'finished', cycle: this.finish('idle-timeout', now, last) }];
    }
    return [];
  }

  /** Closes the open cycle for good (used when a device is removed; not on a normal shutdown, which resumes). */
  abandon(now: number, reason: CycleEndReason = 'shutdown'): FinishedCycle | null {
    if (!this.open) return null;
    const last = this.open.samples[this.open.samples.length - 1]?.ts ?? this.open.startedAt;
    return this.finish(reason, now, last);
  }

  private openCycle(ts: number, now: number, startSeen: boolean, deviceStartedAt?: number): OpenCycle {
    this.open = {
      cycleId: this.opts.newId(),
      deviceId: this.opts.deviceId,
      startedAt: ts,
      receivedStartedAt: now,
      ...(deviceStartedAt !== undefined && { deviceStartedAt }),
      startSeen,
      info: {},
      phases: [],
      samples: [],
      alarms: [],
      interruptions: [],
      lastRecvTs: now,
    };
    return this.open;
  }

  private finish(reason: CycleEndReason, now: number, endTs: number): FinishedCycle {
    const c = this.open as OpenCycle;
    this.open = null;
    // Received: when the device's end arrived; after silence, when its last event did.
    const receivedEndedAt = reason === 'idle-timeout' ? c.lastRecvTs : now;
    return { ...c, endedAt: endTs, endReason: reason, receivedEndedAt };
  }
}
