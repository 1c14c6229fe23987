// One device in the gateway: owns its driver and routes each driver event one way, to the part that
// handles its stage (docs/architecture.md, "The path of one sample"):
//   cycle events (start, phase, end, sample, raw, alarm, summary) -> CycleRecorder (tracker, snapshot, record)
//   raw lines and samples, stamped with the open cycle             -> SampleSink (store chains, telemetry)
//   device alarms and clock drift                                   -> DeviceAlarms (alarm records)
//   scans and BI reader events                                      -> the load workflow (or a scan record)
//   link changes and cycle changes                                  -> the retained device state
// Resumes an open cycle after a restart from what the store kept.
import type { DeviceConfig } from '../../config/schema.js';
import { BI_LINE_OVERFLOW_REASON } from '../../drivers/bi-reader/index.js';
import { LINE_OVERFLOW_REASON } from '../../drivers/printer-line/index.js';
import type { ScanReading } from '../../drivers/scanner/index.js';
import type { DeviceEvent, ScanEvent } from '../../vocabulary/device-event.js';
import { errorMessage } from '../../vocabulary/errors.js';
import { systemTimeZone } from '../../vocabulary/local-day.js';
import type { ClockQuality } from '../clock/clock-monitor.js';
import type { LoadWorkflow } from '../load/index.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import { SecondTicker } from '../system/second-ticker.js';
import type { Program } from '../verify/index.js';
import { CycleRecorder, type CycleSummary } from './cycle-recorder.js';
import { DeviceAlarms } from './device-alarms.js';
import { type DeviceDriver, DeviceLinks } from './device-link.js';
import type { DeviceObserver } from './device-observer.js';
import { type DeviceOutput, DeviceRecords } from './device-records.js';
import { LineNoise } from './line-noise.js';
import { SampleSink } from './sample-sink.js';

export type { CycleSummary } from './cycle-recorder.js';
export type { DeviceOutput } from './device-records.js';

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
  /** The gateway clock's quality, stamped on every record this device makes. */
  clock?: () => ClockQuality;
  /** How the site reads scanned codes (the stations' reading, so a scan reads the same everywhere). */
  scanReading?: ScanReading;
  /** What the gateway's drivers share (its Modbus buses); default a DeviceLinks of this device's own. */
  links?: DeviceLinks;
  /** Watches the device's events and polls (the metrics); never changes what is recorded. */
  observer?: DeviceObserver;
  /** Unparsed lines stored per local day outside a cycle (`storage.noiseSamplePerDay`); default 100. */
  noiseSamplePerDay?: number;
  /** The site's time zone for the noise sample's day; default the system's. */
  timeZone?: string;
  /** The gateway's one-a-second timer; default a timer of this session's own. */
  ticker?: SecondTicker;
  /** Replaces the configured driver (tests, and sources other than a line). */
  driver?: (onEvent: (e: DeviceEvent) => void) => DeviceDriver;
}

export class DeviceSession {
  private readonly ctx: DeviceSessionContext;
  private readonly log: Logger;
  private readonly records: DeviceRecords;
  private readonly cycles: CycleRecorder;
  private readonly sink: SampleSink;
  private readonly alarms: DeviceAlarms;
  private readonly noise: LineNoise;
  private driver: DeviceDriver | null = null;
  private untick: (() => void) | null = null;
  private connected = false;
  private stateSince: number;
  private stopped = false;
  private observerFailed = false;

  constructor(ctx: DeviceSessionContext) {
    this.ctx = ctx;
    const { device, store, output } = ctx;
    this.log = ctx.logger.child({ deviceId: device.id });
    this.records = new DeviceRecords({ deviceId: device.id, store, output, ...(ctx.clock ? { clock: ctx.clock } : {}) });
    this.cycles = new CycleRecorder({
      device,
      store,
      records: this.records,
      output,
      log: this.log,
      now: ctx.now,
      programs: ctx.programs,
      loads: ctx.loads,
      onCycle: ctx.onCycle,
      onChange: (kind) => {
        if (kind !== 'finished') this.stateSince = ctx.now();
        this.publishState();
      },
      // after the rest of this turn's answers and their telemetry (a record takes tens of ms to build)
      defer: (run) => setImmediate(run),
    });
    this.sink = new SampleSink({ deviceId: device.id, store, output });
    this.alarms = new DeviceAlarms({ clockDriftAlarmS: device.clockDriftAlarmS, records: this.records, log: this.log });
    this.noise = new LineNoise({
      deviceId: device.id,
      samplePerDay: ctx.noiseSamplePerDay ?? 100,
      timeZone: ctx.timeZone ?? systemTimeZone(),
      meta: () => store.meta,
      store: (e, cycle) => this.sink.raw(e, cycle),
      alarm: (code, text, ts, extra) => this.alarms.raise(code, text, ts, this.cycles.current, extra),
      log: this.log,
    });
    this.stateSince = ctx.now();
  }

  get id(): string {
    return this.ctx.device.id;
  }

  async start(): Promise<void> {
    const resume = this.cycles.resume();
    this.publishState();
    const observer = this.ctx.observer;
    const onEvent = observer
      ? (e: DeviceEvent) => {
          this.onEvent(e);
          this.observe(() => observer.event(e));
        }
      : (e: DeviceEvent) => this.onEvent(e);
    const onPoll = observer?.poll?.bind(observer);
    this.driver = this.ctx.driver
      ? this.ctx.driver(onEvent)
      : await (this.ctx.links ?? new DeviceLinks()).driverFor({
          device: this.ctx.device,
          logger: this.ctx.logger,
          now: this.ctx.now,
          onEvent,
          scanReading: this.ctx.scanReading,
          ...(onPoll ? { onPoll: (r) => this.observe(() => onPoll(r)) } : {}),
          resume,
        });
    const ticker = this.ctx.ticker ?? new SecondTicker(this.ctx.now, (err) => this.log.error({ err: errorMessage(err) }, 'device timer failed'));
    this.untick = ticker.add((now) => {
      try {
        this.noise.tick(now);
        this.cycles.tick(now);
      } catch (err) {
        this.log.error({ err: errorMessage(err) }, 'device timer failed');
      }
    });
    await this.driver.start();
  }

  /** Idempotent. An open cycle stays open in the store and resumes at the next start. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.untick?.();
    this.untick = null;
    await this.driver?.stop();
    // each on its own: a noise counter that cannot be saved must not keep the cycles from being saved
    try {
      this.noise.stop(this.ctx.now());
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'could not save the line-noise counts at stop');
    }
    try {
      this.cycles.flushPending();
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'could not save the cycle state at stop');
    }
  }

  private onEvent(e: DeviceEvent): void {
    if (this.stopped) return;
    const now = this.ctx.now();
    try {
      // a line waiting for its parse error is decided before any other event
      if (e.kind !== 'parse-error') this.noise.settle(now);
      switch (e.kind) {
        case 'raw':
          this.cycles.handle(e, now);
          this.noise.raw(e, this.cycles.current, now);
          return;
        case 'sample':
          this.cycles.handle(e, now);
          this.sink.sample(e, this.cycles.current, now);
          if (e.deviceTime !== undefined) this.alarms.checkClock(e.deviceTime, now, this.cycles.current);
          return;
        case 'alarm':
          this.cycles.handle(e, now);
          this.alarms.raise(e.code, e.text, e.ts, this.cycles.current);
          return;
        case 'cycle-start':
        case 'phase':
        case 'cycle-end':
        case 'summary':
          this.cycles.handle(e, now);
          return;
        case 'link':
          this.connected = e.connected;
          this.stateSince = now;
          this.publishState();
          return;
        case 'parse-error':
          // logged once per reason by the driver; counted here for the line-noise alarm, and the raw line
          // before it (stored via its `raw` event) is noise, stored only within the day's sample
          if (this.ctx.device.driver !== 'modbus' && this.ctx.device.driver !== 'hid')
            this.noise.parseError(now, e.reason !== LINE_OVERFLOW_REASON && e.reason !== BI_LINE_OVERFLOW_REASON);
          return;
        case 'scan':
          this.onScan(e);
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
        default: {
          const unhandled: never = e; // a new event kind must be routed above
          this.log.warn({ event: (unhandled as DeviceEvent).kind }, 'device event of an unknown kind ignored');
        }
      }
    } catch (err) {
      // A store failure must be loud: the device's data is at stake.
      this.log.error({ err: errorMessage(err), event: e.kind }, 'could not process a device event');
    }
  }

  /** An observer's failure is logged once; the device records on. */
  private observe(fn: () => void): void {
    if (this.stopped) return;
    try {
      fn();
      this.observerFailed = false;
    } catch (err) {
      if (!this.observerFailed) this.log.error({ err: errorMessage(err) }, 'device observer (metrics) failed; the device records on');
      this.observerFailed = true;
    }
  }

  private publishState(): void {
    const c = this.cycles.current;
    this.ctx.output.setDeviceState(this.id, {
      connected: this.connected,
      phase: c?.phases.at(-1)?.phase ?? 'idle',
      program: this.cycles.currentProgram,
      cycleNo: c?.cycleNo ?? null,
      since: new Date(this.stateSince).toISOString(),
    });
  }

  private onScan(e: ScanEvent): void {
    const station = this.ctx.device.station;
    if (!this.ctx.loads || !station) {
      // Without a station the code cannot belong to a load; it is still kept, as a scan record.
      this.records.append('scan', { raw: e.raw, at: new Date(e.ts).toISOString(), station: null, note: 'scanner not bound to a station' });
      return;
    }
    this.ctx.loads.onScan(station, this.id, e.raw, e.ts, e.parsed);
  }
}
