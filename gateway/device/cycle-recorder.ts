// A device's cycles from start to record: the cycle tracker's changes are saved as the open-cycle snapshot
// (so a restart resumes the cycle), the load assembled at the station is taken at the cycle start, and a
// finished cycle is verified and recorded as one signed `cycle` record, then handed to the load workflow
// for its release decision. A record the store refuses (disk full, busy) is never lost: the finished cycle
// stays queued (its samples are in the sample chain, its state in open_cycles) and is retried every tick;
// an open-cycle snapshot the store refuses is kept and saved again every tick too. While the store fails,
// the recorder logs its first failure and its recovery, not every retry (the store logs its state).
import { randomUUID } from 'node:crypto';
import type { DeviceConfig } from '../../config/schema.js';
import type { ResumedCycle } from '../../drivers/printer-line/index.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { errorMessage } from '../../vocabulary/errors.js';
import { applyGatewayFindings, cycleBody, traceOf, unverifiable } from '../cycle/cycle-record.js';
import { type FinishedCycle, type OpenCycle, type OpenCycleSnapshot, snapshotOf, type TrackedSample } from '../cycle/cycle-state.js';
import { CycleTracker, type TrackerChange } from '../cycle/cycle-tracker.js';
import { chooseProgram, type ProgramChoice } from '../cycle/program-choice.js';
import type { LoadWorkflow } from '../load/index.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import type { NewRecord, SignedRecord } from '../store/record.js';
import type { PreparedRecord } from '../store/record-log.js';
import { type Program, type VerificationResult, verifyCycle, verifySummary } from '../verify/index.js';
import type { DeviceOutput, DeviceRecords } from './device-records.js';

export interface CycleSummary {
  deviceId: string;
  record: SignedRecord;
  program: string | null;
  cycleNo: number | null;
  verdict: string;
  failed: string[];
}

export interface CycleRecorderContext {
  device: DeviceConfig;
  store: Store;
  records: Pick<DeviceRecords, 'stamp'>;
  output: Pick<DeviceOutput, 'notifyRecords'>;
  log: Logger;
  now: () => number;
  /** The site's programs (presets + config overrides); default the presets. */
  programs?: Readonly<Record<string, Readonly<Program>>> | undefined;
  /** Load contents and release (absent: cycles are recorded without a load workflow). */
  loads?: LoadWorkflow | undefined;
  onCycle?: ((summary: CycleSummary) => void) | undefined;
  /** After a cycle opened, changed phase or was recorded (the device state is published again). */
  onChange?: ((kind: TrackerChange['kind']) => void) | undefined;
  newId?: () => string;
  /** Runs the record of a finished cycle a little later, in three deferred runs (verify and build the body;
   * canonicalize it; sign and commit): the gateway passes setImmediate, so the other devices' answers read in
   * the same turn of the event loop, and their telemetry, go first, and answers that arrive meanwhile wait
   * for one step, not the whole record (tens of ms here; docs/performance.md "Cycle end"). Default: at once. */
  defer?: (run: () => void) => void;
}

/** A finished cycle's record, verified and built, not yet canonicalized. */
interface BuiltRecord {
  record: NewRecord;
  program: string | null;
  result: VerificationResult;
}

/** A finished cycle on its way to its record (ctx.defer): built, then prepared, then committed. */
interface Finishing {
  cycle: FinishedCycle;
  built?: BuiltRecord;
  prepared?: PreparedRecord;
}

/** The device events that make or change a cycle. */
export type CycleEvent = Extract<DeviceEvent, { kind: 'cycle-start' | 'phase' | 'cycle-end' | 'sample' | 'raw' | 'alarm' | 'summary' }>;

export class CycleRecorder {
  private readonly tracker: CycleTracker;
  /** Finished cycles whose record could not be committed: retried at every tick. */
  private readonly unrecorded: FinishedCycle[] = [];
  /** Finished cycles waiting for their deferred record (ctx.defer), oldest first. */
  private readonly finishing: Finishing[] = [];
  /** A deferred run is due (ctx.defer was called and has not run yet). */
  private deferred = false;
  /** The open cycle's snapshot could not be saved: saved again at every tick. */
  private snapshotPending = false;
  /** A store write of this recorder failed and has not worked since (logged once per episode). */
  private storeFailing = false;

  constructor(private readonly ctx: CycleRecorderContext) {
    this.tracker = new CycleTracker({ deviceId: ctx.device.id, idleTimeoutMs: ctx.device.idleTimeoutS * 1000, newId: ctx.newId ?? randomUUID });
  }

  /** The cycle running now, if any (read-only: only the recorder changes it). */
  get current(): Readonly<OpenCycle> | null {
    return this.tracker.current;
  }

  /** The program the running cycle is verified against, as the device state shows it. */
  get currentProgram(): string | null {
    const c = this.tracker.current;
    return c ? (this.choose(c).id ?? null) : null;
  }

  /** Carries on a cycle that was open when the gateway stopped, from its snapshot and stored samples.
   * Returns what the driver needs to read the rest of that cycle's ticket (undefined: nothing resumed). */
  resume(): ResumedCycle | undefined {
    const { store, device } = this.ctx;
    const snap = store.loadOpenCycle(device.id) as OpenCycleSnapshot | undefined | null;
    if (!snap) return undefined;
    const samples: TrackedSample[] = store.samples.samplesOfCycle(device.id, snap.cycleId).map((s) => {
      const t: TrackedSample = { ts: s.ts, temp_c: s.temp_c };
      if (s.temp2_c !== null) t.temp2_c = s.temp2_c;
      if (s.pressure_kpa !== null) t.pressure_kpa = s.pressure_kpa;
      if (s.phase !== null) t.phase = s.phase;
      return t;
    });
    this.tracker.resume(snap, samples, this.ctx.now());
    const resumed = this.tracker.current;
    if (resumed) this.saveSnapshot(resumed); // keep the interruption across another restart
    this.ctx.log.warn(
      { cycleId: snap.cycleId, cycleNo: snap.cycleNo, samples: samples.length },
      'resuming a cycle that was open when the gateway stopped; the record will show the interruption',
    );
    const phase = snap.phases.at(-1)?.phase;
    return {
      lastDeviceTs: samples.at(-1)?.ts ?? snap.startedAt,
      ...(phase !== undefined && { phase }),
      ...(snap.cycleNo !== undefined && { cycleNo: snap.cycleNo }),
    };
  }

  /** One device event. The open cycle's alarms and the machine's summary are saved at once, so they survive a restart. */
  handle(e: CycleEvent, now: number): void {
    this.apply(this.tracker.handle(e, now));
    if (e.kind === 'alarm' || e.kind === 'summary') {
      const c = this.tracker.current;
      if (c) this.saveSnapshot(c);
    }
  }

  /** Retries the unrecorded cycles and a snapshot not saved, then closes a cycle whose device went silent for too long. */
  tick(now: number): void {
    this.retryUnrecorded();
    this.finishDeferred();
    if (this.snapshotPending) {
      const c = this.tracker.current;
      if (c) this.saveSnapshot(c);
      else {
        this.snapshotPending = false; // a held snapshot whose cycle has ended since: nothing left to save
        this.storeWorks();
      }
    }
    this.apply(this.tracker.tick(now));
  }

  /** At stop: one more try for what is still unsaved (a snapshot, unrecorded cycles); what stays unsaved is logged. */
  flushPending(): void {
    this.retryUnrecorded();
    this.finishDeferred();
    const c = this.tracker.current;
    if (this.snapshotPending && c) this.saveSnapshot(c);
    if (this.snapshotPending || this.unrecorded.length)
      this.ctx.log.error(
        { snapshotPending: this.snapshotPending, unrecorded: this.unrecorded.map((c) => c.cycleId) },
        'stopping with cycle state the store refused; the stored open-cycle state and samples resume a cycle at the next start',
      );
  }

  /** Saves the open cycle's snapshot; a refusal is kept (saved again at every tick), never thrown. Held back while
   * an ended cycle's record is refused: the store keeps one open state a device, and until that record commits,
   * the ended cycle's state is its only trace (a crash resumes it from there and records it as interrupted). */
  private saveSnapshot(c: Readonly<OpenCycle>): void {
    if (this.unrecorded.length) {
      if (!this.snapshotPending) this.ctx.log.debug({ cycleId: c.cycleId }, 'open cycle state held back until the refused record before it is stored');
      this.snapshotPending = true;
      return;
    }
    try {
      this.ctx.store.saveOpenCycle(this.ctx.device.id, snapshotOf(c as OpenCycle));
      this.snapshotPending = false;
      this.storeWorks();
    } catch (err) {
      this.snapshotPending = true;
      this.storeFailed(err, c.cycleId, 'could not save the open cycle state; kept in memory and saved again every second');
    }
  }

  private storeFailed(err: unknown, cycleId: string, msg: string): void {
    if (this.storeFailing) {
      this.ctx.log.debug({ cycleId, err: errorMessage(err) }, msg);
      return;
    }
    this.storeFailing = true;
    this.ctx.log.error({ cycleId, err: errorMessage(err) }, msg);
  }

  private storeWorks(): void {
    if (!this.storeFailing || this.snapshotPending || this.unrecorded.length) return;
    this.storeFailing = false;
    this.ctx.log.info('cycle state and records are stored again');
  }

  private apply(changes: TrackerChange[]): void {
    for (const ch of changes) {
      if (ch.kind === 'finished' && this.unrecorded.length) {
        this.unrecorded.push(ch.cycle); // behind a refused record: in the order the cycles ended
        continue;
      }
      if (ch.kind === 'finished' && this.ctx.defer) {
        this.finishing.push({ cycle: ch.cycle });
        this.scheduleStep();
        continue;
      }
      // The finishing cycles' open state is their only trace until their records commit (a crash resumes them
      // from it): record them before a new cycle's snapshot takes its place.
      if (ch.kind === 'opened') this.finishDeferred();
      try {
        this.applyOne(ch);
      } catch (err) {
        // Never lose a finished cycle: its samples are in the chain and its state stays in open_cycles
        // until its record is committed; retry it.
        if (ch.kind === 'finished') this.unrecorded.push(ch.cycle);
        this.storeFailed(err, ch.cycle.cycleId, `could not store a cycle change (${ch.kind}); retrying every second`);
        continue;
      }
      this.changed(ch.kind, ch.cycle.cycleId);
    }
  }

  /** Tells the listener; its failure is logged, never thrown (it must not make a recorded cycle look unrecorded). */
  private changed(kind: TrackerChange['kind'], cycleId: string): void {
    try {
      this.ctx.onChange?.(kind);
    } catch (err) {
      this.ctx.log.error({ cycleId, change: kind, err: errorMessage(err) }, 'cycle change listener failed');
    }
  }

  private applyOne(ch: TrackerChange): void {
    const { device, log } = this.ctx;
    switch (ch.kind) {
      case 'opened':
        this.saveSnapshot(ch.cycle);
        this.ctx.loads?.takeLoad(device.id, ch.cycle.cycleId);
        log.info({ cycleId: ch.cycle.cycleId, cycleNo: ch.cycle.cycleNo, programNo: ch.cycle.programNo, headerSeen: ch.cycle.startSeen }, 'cycle started');
        break;
      case 'phase':
        this.saveSnapshot(ch.cycle);
        log.debug({ cycleId: ch.cycle.cycleId, phase: ch.phase }, 'phase');
        break;
      case 'finished':
        this.finish(ch.cycle);
        break;
    }
  }

  private scheduleStep(): void {
    if (this.deferred || !this.ctx.defer || !this.finishing.length) return;
    this.deferred = true;
    this.ctx.defer(() => {
      this.deferred = false;
      this.finishDeferred(true);
      this.scheduleStep();
    });
  }

  /** Takes the finished cycles waiting for their record a step further, in order: all the way (at a tick, at
   * stop), or one step of the oldest (`oneStep`, a deferred run). A refused one joins the retried ones. */
  private finishDeferred(oneStep = false): void {
    while (this.finishing.length) {
      if (this.unrecorded.length) {
        // A device's records stay in the order its cycles ended: behind a refused one, the rest wait in the retries.
        for (const w of this.finishing.splice(0)) this.unrecorded.push(w.cycle);
        return;
      }
      const f = this.finishing[0] as Finishing;
      let recorded: boolean;
      try {
        recorded = this.step(f);
      } catch (err) {
        this.finishing.shift();
        this.unrecorded.push(f.cycle);
        this.storeFailed(err, f.cycle.cycleId, 'could not store a cycle change (finished); retrying every second');
        if (oneStep) return;
        continue;
      }
      if (recorded) {
        this.finishing.shift();
        this.changed('finished', f.cycle.cycleId);
      }
      if (oneStep) return;
    }
  }

  /** One step of a finished cycle's record; true once it is committed. */
  private step(f: Finishing): boolean {
    if (!f.built) {
      f.built = this.build(f.cycle);
      return false;
    }
    if (!f.prepared) {
      f.prepared = this.ctx.store.records.prepare(f.built.record);
      return false;
    }
    this.commit(f.cycle, f.built, f.prepared);
    return true;
  }

  private retryUnrecorded(): void {
    while (this.unrecorded.length) {
      const c = this.unrecorded[0] as FinishedCycle;
      try {
        this.finish(c);
      } catch (err) {
        this.storeFailed(err, c.cycleId, 'could not record a finished cycle; retrying every second'); // stays queued
        return;
      }
      this.unrecorded.shift();
      this.ctx.log.warn({ cycleId: c.cycleId }, 'cycle recorded after a retry');
      this.storeWorks();
      this.changed('finished', c.cycleId);
    }
  }

  private choose(c: Readonly<OpenCycle>): ProgramChoice {
    const { device } = this.ctx;
    return chooseProgram({
      reportedId: c.program,
      reportedNo: c.programNo,
      programMap: device.programMap,
      configDefault: device.program,
      catalog: this.ctx.programs,
    });
  }

  /** Verifies a finished cycle and commits its record (clearing its open-cycle state in the same transaction). */
  private finish(c: FinishedCycle): void {
    const built = this.build(c);
    this.commit(c, built, this.ctx.store.records.prepare(built.record));
  }

  /** Verifies a finished cycle and builds its record (not yet canonicalized, signed or stored). */
  private build(c: FinishedCycle): BuiltRecord {
    const { store, device } = this.ctx;
    store.flush(); // the record binds the sample chain head and the raw text: both must be on disk first
    const choice = this.choose(c);
    const trace = traceOf(c, device.chamberLitres);
    const result = !choice.program
      ? unverifiable(choice, trace)
      : applyGatewayFindings(
          // Only routine steam loads: a Bowie–Dick or leak test needs its own evidence, not a summary
          trace.samples.length === 0 && c.summary && choice.program.kind === 'steam'
            ? verifySummary(c.summary, choice.program, c.endStatus) // a summary ticket: only what it proves
            : verifyCycle(trace, choice.program),
          c,
        );
    const rawLines = store.raw.linesOfCycle(c.cycleId);
    const body = cycleBody({
      cycle: c,
      deviceType: device.type,
      choice,
      program: choice.program,
      trace,
      result,
      load: this.ctx.loads?.contentsOfCycle(c.cycleId) ?? null,
      binding: { sampleChain: store.samples.head(device.id), raw: { lines: rawLines.length, sha256: store.raw.digestOfCycle(c.cycleId) } },
    });
    return { record: { type: 'cycle', device: device.id, body: this.ctx.records.stamp(body) }, program: choice.id ?? null, result };
  }

  /** Commits a built and prepared record, clearing the cycle's open state in the same transaction; then tells
   * the log, the outbox, the load workflow and the listener. */
  private commit(c: FinishedCycle, built: BuiltRecord, prepared: PreparedRecord): void {
    const { store, device, log } = this.ctx;
    const record = store.records.appendPrepared(prepared, () => {
      // Clear the open-cycle state only if it is this cycle's (a retried record must not clear its successor's).
      const open = store.loadOpenCycle(device.id) as { cycleId?: string } | null | undefined;
      if (!open || open.cycleId === c.cycleId) store.openCycles.clear(device.id);
    });
    // The record is committed: from here on, a failure must not make it look unrecorded (it would be recorded twice).
    try {
      this.afterCommit(c, built, record);
    } catch (err) {
      log.error({ cycleId: c.cycleId, seq: record.seq, err: errorMessage(err) }, 'after a cycle record: a listener failed; the record is stored');
    }
  }

  /** The log line, the outbox, the release decision and the listener, after a cycle's record is committed. */
  private afterCommit(c: FinishedCycle, built: BuiltRecord, record: SignedRecord): void {
    const { device, log } = this.ctx;
    const { result, program } = built;
    const failed = result.criteria.filter((x) => x.pass === false).map((x) => x.id);
    // a failed cycle is news for the engineer reading the log (its load is held): warn, not info
    log[result.verdict === 'pass' ? 'info' : 'warn'](
      { cycleId: c.cycleId, cycleNo: c.cycleNo, program, verdict: result.verdict, failed, seq: record.seq },
      'cycle verified and recorded',
    );
    this.ctx.output.notifyRecords();
    try {
      this.ctx.loads?.onCycleRecorded(record);
    } catch (err) {
      log.error(
        { cycleId: c.cycleId, err: errorMessage(err) },
        'release decision failed; the cycle record is stored and the gateway retries the decision every minute',
      );
    }
    this.ctx.onCycle?.({ deviceId: device.id, record, program, cycleNo: c.cycleNo ?? null, verdict: result.verdict, failed });
  }
}
