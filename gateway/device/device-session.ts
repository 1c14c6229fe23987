// One device's life in the gateway: driver events -> samples (chained store) and telemetry, the cycle
// tracker, and at cycle end verification and a signed `cycle` record. Resumes an open cycle after a
// restart from what the store kept.
import { randomUUID } from 'node:crypto';
import type { DeviceEvent, SampleEvent } from '../../vocabulary/device-event.js';
import type { DeviceConfig } from '../../config/schema.js';
import { CycleTracker, type TrackerChange } from '../cycle/cycle-tracker.js';
import { type FinishedCycle, type OpenCycle, type OpenCycleSnapshot, snapshotOf, type TrackedSample } from '../cycle/cycle-state.js';
import { applyGatewayFindings, cycleBody, traceOf, unverifiable } from '../cycle/cycle-record.js';
import { chooseProgram } from '../cycle/program-choice.js';
import { tsatC, verifyCycle, verifySummary, type Program } from '../verify/index.js';
import type { Store } from '../store/index.js';
import type { SignedRecord } from '../store/record.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../../vocabulary/errors.js';
import { driverFor, type DeviceDriver } from './device-link.js';
import type { ClockQuality } from '../clock/clock-monitor.js';
import type { LoadWorkflow } from '../load/index.js';

/** What a device session needs from the publisher (kept narrow so sessions are testable without MQTT). */
export interface DeviceOutput {
  publishTelemetry(deviceId: string, payload: object): void;
  setDeviceState(deviceId: string, state: object): void;
  notifyRecords(): void;
}

export interface CycleSummary {
  deviceId: string;
  record: SignedRecord;
  program: string | null;
  cycleNo: number | null;
  verdict: string;
  failed: string[];
}

export interface DeviceSessionContext {
  device: DeviceConfig;
  store: Store;
  output: DeviceOutput;
  logger: Logger;
  now: () => number;
  onCycle?: (summary: CycleSummary) => void;
  /** The site's programs (presets + config overrides); default the presets. */
  programs?: Readonly<Record<string, Readonly<Program>>>;
  /** Load contents, indicators and release (absent: cycles are recorded without a load workflow). */
  loads?: LoadWorkflow;
  /** The gateway clock's quality, stamped on every record this session makes. */
  clock?: () => ClockQuality;
  /** Replaces the configured driver (tests, and sources other than a line). */
  driver?: (onEvent: (e: DeviceEvent) => void) => DeviceDriver;
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export class DeviceSession {
  private readonly ctx: DeviceSessionContext;
  private readonly log: Logger;
  private readonly tracker: CycleTracker;
  private driver: DeviceDriver | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private connected = false;
  private stateSince: number;
  private stopped = false;
  private driftAlarmed = false;
  /** Finished cycles whose record could not be committed (disk full, busy): retried every second. */
  private readonly unrecorded: FinishedCycle[] = [];

  constructor(ctx: DeviceSessionContext) {
    this.ctx = ctx;
    this.log = ctx.logger.child({ deviceId: ctx.device.id });
    this.tracker = new CycleTracker({ deviceId: ctx.device.id, idleTimeoutMs: ctx.device.idleTimeoutS * 1000, newId: randomUUID });
    this.stateSince = ctx.now();
  }

  get id(): string {
    return this.ctx.device.id;
  }

  async start(): Promise<void> {
    this.resumeOpenCycle();
    this.publishState();
    const onEvent = (e: DeviceEvent) => this.onEvent(e);
    this.driver = this.ctx.driver ? this.ctx.driver(onEvent) : await driverFor({ device: this.ctx.device, logger: this.ctx.logger, now: this.ctx.now, onEvent });
    this.ticker = setInterval(() => {
      try {
        this.retryUnrecorded();
        this.apply(this.tracker.tick(this.ctx.now()));
      } catch (err) {
        this.log.error({ err: errorMessage(err) }, 'device timer failed');
      }
    }, 1000);
    this.ticker.unref();
    await this.driver.start();
  }

  /** Idempotent. An open cycle stays open in the store and resumes at the next start. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    await this.driver?.stop();
  }

  private resumeOpenCycle(): void {
    const snap = this.ctx.store.loadOpenCycle(this.id) as OpenCycleSnapshot | undefined | null;
    if (!snap) return;
    const samples: TrackedSample[] = this.ctx.store.samples.samplesOfCycle(snap.cycleId).map((s) => {
      const t: TrackedSample = { ts: s.ts, temp_c: s.temp_c };
      if (s.temp2_c !== null) t.temp2_c = s.temp2_c;
      if (s.pressure_kpa !== null) t.pressure_kpa = s.pressure_kpa;
      if (s.phase !== null) t.phase = s.phase;
      return t;
    });
    this.tracker.resume(snap, samples, this.ctx.now());
    const resumed = this.tracker.current;
    if (resumed) this.ctx.store.saveOpenCycle(this.id, snapshotOf(resumed)); // keep the interruption across another restart
    this.log.warn({ cycleId: snap.cycleId, cycleNo: snap.cycleNo, samples: samples.length }, 'resuming a cycle that was open when the gateway stopped; the record will show the interruption');
  }

  private onEvent(e: DeviceEvent): void {
    if (this.stopped) return;
    const now = this.ctx.now();
    try {
      switch (e.kind) {
        case 'raw':
          this.tracker.handle(e, now);
          this.ctx.store.raw.add(this.id, { ts: e.ts, cycleId: this.tracker.current?.cycleId ?? null, line: e.line });
          return;
        case 'sample':
          this.apply(this.tracker.handle(e, now));
          this.storeSample(e, now);
          this.publishTelemetry(e);
          if (e.deviceTime !== undefined) this.checkClock(e.deviceTime, now);
          return;
        case 'link':
          this.connected = e.connected;
          this.stateSince = now;
          this.publishState();
          return;
        case 'alarm':
          this.apply(this.tracker.handle(e, now));
          this.saveCurrent();
          this.appendAlarm(e.code, e.text, e.ts);
          return;
        case 'summary':
          this.apply(this.tracker.handle(e, now));
          this.saveCurrent();
          return;
        case 'parse-error':
          return; // counted and logged once per reason by the driver; the raw line is stored via its `raw` event
        case 'scan':
          this.onScan(e.raw, e.ts);
          return;
        case 'bi-start':
          this.ctx.loads?.onBiStart(this.id, e);
          return;
        case 'bi-result':
          if (this.ctx.loads) this.ctx.loads.onBiResult(this.id, e);
          else this.log.warn({ well: e.well, lot: e.lot, result: e.result }, 'BI result with no load workflow configured: not recorded');
          return;
        case 'bi-caution':
          this.log.warn({ well: e.well, code: e.code, text: e.text }, 'BI reader caution');
          return;
        default:
          this.apply(this.tracker.handle(e, now));
      }
    } catch (err) {
      // A store failure must be loud: the device's data is at stake.
      this.log.error({ err: errorMessage(err), event: e.kind }, 'could not process a device event');
    }
  }

  private storeSample(e: SampleEvent, now: number): void {
    this.ctx.store.samples.add(this.id, {
      ts: e.ts, recvTs: now, cycleId: this.tracker.current?.cycleId ?? null,
      temp_c: e.temp_c, temp2_c: e.temp2_c ?? null, pressure_kpa: e.pressure_kpa ?? null,
      phase: e.phase ?? this.tracker.current?.phases.at(-1)?.phase ?? null, deviceTime: e.deviceTime ?? null,
    });
  }

  private publishTelemetry(e: SampleEvent): void {
    const p = e.pressure_kpa;
    const tsat = p !== undefined && p !== null ? tsatC(p) : Number.NaN;
    const payload: Record<string, unknown> = {
      ts: new Date(e.ts).toISOString(),
      temp_c: e.temp_c,
      phase: e.phase ?? this.tracker.current?.phases.at(-1)?.phase ?? null,
      cycleNo: this.tracker.current?.cycleNo ?? null,
    };
    if (e.temp2_c !== undefined && e.temp2_c !== null) payload.temp2_c = e.temp2_c;
    if (p !== undefined && p !== null) payload.pressure_kpa = p;
    if (Number.isFinite(tsat)) payload.tsat_c = round(tsat, 2);
    this.ctx.output.publishTelemetry(this.id, payload);
  }

  private publishState(): void {
    const c = this.tracker.current;
    this.ctx.output.setDeviceState(this.id, {
      connected: this.connected,
      phase: c?.phases.at(-1)?.phase ?? 'idle',
      program: c ? chooseProgram({ reportedId: c.program, reportedNo: c.programNo, programMap: this.ctx.device.programMap, configDefault: this.ctx.device.program, catalog: this.ctx.programs }).id ?? null : null,
      cycleNo: c?.cycleNo ?? null,
      since: new Date(this.stateSince).toISOString(),
    });
  }

  private apply(changes: TrackerChange[]): void {
    for (const ch of changes) {
      try {
        this.applyOne(ch);
      } catch (err) {
        // Never lose a finished cycle: its samples are in the chain and its state stays in open_cycles
        // until its record is committed; retry it.
        if (ch.kind === 'finished') this.unrecorded.push(ch.cycle);
        this.log.error({ cycleId: ch.cycle.cycleId, change: ch.kind, err: errorMessage(err) }, 'could not store a cycle change; retrying');
      }
    }
  }

  /** The open cycle's state (alarms, the machine's summary) survives a restart too. */
  private saveCurrent(): void {
    const c = this.tracker.current;
    if (c) this.ctx.store.saveOpenCycle(this.id, snapshotOf(c as OpenCycle));
  }

  private retryUnrecorded(): void {
    while (this.unrecorded.length) {
      const c = this.unrecorded[0] as FinishedCycle;
      this.finish(c); // throws again when the store still fails: the cycle stays queued
      this.unrecorded.shift();
      this.log.warn({ cycleId: c.cycleId }, 'cycle recorded after a retry');
    }
  }

  private applyOne(ch: TrackerChange): void {
    switch (ch.kind) {
      case 'opened':
        this.ctx.store.saveOpenCycle(this.id, snapshotOf(ch.cycle));
        this.ctx.loads?.takeLoad(this.id, ch.cycle.cycleId);
        this.stateSince = this.ctx.now();
        this.log.info({ cycleId: ch.cycle.cycleId, cycleNo: ch.cycle.cycleNo, programNo: ch.cycle.programNo, headerSeen: ch.cycle.startSeen }, 'cycle started');
        this.publishState();
        break;
      case 'phase':
        this.ctx.store.saveOpenCycle(this.id, snapshotOf(ch.cycle));
        this.stateSince = this.ctx.now();
        this.log.debug({ cycleId: ch.cycle.cycleId, phase: ch.phase }, 'phase');
        this.publishState();
        break;
      case 'finished':
        this.finish(ch.cycle);
        this.publishState();
        break;
    }
  }

  private finish(c: FinishedCycle): void {
    const { store, device } = this.ctx;
    store.flush(); // the record binds the sample chain head and the raw text: both must be on disk first
    const choice = chooseProgram({ reportedId: c.program, reportedNo: c.programNo, programMap: device.programMap, configDefault: device.program, catalog: this.ctx.programs });
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
      cycle: c, deviceType: device.type, choice, program: choice.program, trace, result,
      load: this.ctx.loads?.contentsOfCycle(c.cycleId) ?? null,
      binding: { sampleChain: store.samples.head(this.id), raw: { lines: rawLines.length, sha256: store.raw.digestOfCycle(c.cycleId) } },
    });
    const record = store.records.appendWith({ type: 'cycle', device: this.id, body: this.withClock(body) }, () => {
      // Clear the open-cycle state only if it is this cycle's (a retried record must not clear its successor's).
      const open = store.loadOpenCycle(this.id) as { cycleId?: string } | null | undefined;
      if (!open || open.cycleId === c.cycleId) store.openCycles.clear(this.id);
    });
    const failed = result.criteria.filter((x) => x.pass === false).map((x) => x.id);
    this.log.info({ cycleId: c.cycleId, cycleNo: c.cycleNo, program: choice.id, verdict: result.verdict, failed, seq: record.seq }, 'cycle verified and recorded');
    this.ctx.output.notifyRecords();
    try {
      this.ctx.loads?.onCycleRecorded(record);
    } catch (err) {
      this.log.error({ cycleId: c.cycleId, err: errorMessage(err) }, 'release decision failed; the cycle record is stored and the gateway retries the decision every minute');
    }
    this.ctx.onCycle?.({ deviceId: this.id, record, program: choice.id ?? null, cycleNo: c.cycleNo ?? null, verdict: result.verdict, failed });
  }

  private withClock(body: Record<string, unknown>): Record<string, unknown> {
    return this.ctx.clock ? { ...body, clock: this.ctx.clock() } : body;
  }

  /** Both clocks are stored with every sample; a drift beyond the limit is an alarm once per episode
   * (the episode ends when the clocks agree again within half the limit). */
  private checkClock(deviceTime: number, now: number): void {
    const limitS = this.ctx.device.clockDriftAlarmS;
    if (!limitS) return;
    const driftS = (deviceTime - now) / 1000;
    if (!this.driftAlarmed && Math.abs(driftS) > limitS) {
      this.driftAlarmed = true;
      this.appendAlarm('clock-drift', `device clock ${driftS > 0 ? 'ahead of' : 'behind'} the gateway by ${Math.abs(driftS).toFixed(0)} s (limit ${limitS} s)`, now);
    } else if (this.driftAlarmed && Math.abs(driftS) < limitS / 2) {
      this.driftAlarmed = false;
      this.log.info({ driftS }, 'device clock agrees with the gateway again');
    }
  }

  private onScan(raw: string, ts: number): void {
    const station = this.ctx.device.station;
    if (!this.ctx.loads || !station) {
      // Without a station the code cannot belong to a load; it is still kept, as a scan record.
      this.ctx.store.records.append({ type: 'scan', device: this.id, body: this.withClock({ raw, at: new Date(ts).toISOString(), station: null, note: 'scanner not bound to a station' }) });
      this.ctx.output.notifyRecords();
      return;
    }
    this.ctx.loads.onScan(station, this.id, raw, ts);
  }

  private appendAlarm(code: string, text: string, ts: number): void {
    const c = this.tracker.current;
    this.ctx.store.records.append({ type: 'alarm', device: this.id, body: this.withClock({ code, text, at: new Date(ts).toISOString(), cycleId: c?.cycleId ?? null, cycleNo: c?.cycleNo ?? null }) });
    this.log.warn({ cycleId: c?.cycleId, code, text }, 'device alarm');
    this.ctx.output.notifyRecords();
  }
}
