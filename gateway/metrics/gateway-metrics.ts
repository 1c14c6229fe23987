// The gateway's Prometheus metrics (docs/operations.md, "Metrics"): one private prom-client Registry
// (never the global one), filled by watching the gateway, never by taking part in it:
//   - device events and Modbus polls through a DeviceObserver per device (the drivers never see this);
//   - finished cycles through the app's cycle callback;
//   - everything else read when Prometheus scrapes: the publisher's counters, the outbox, the store's
//     size, the disk, the event loop's delay, the process's memory.
// Loaded (with prom-client) only when `http` is configured: app.ts imports it dynamically.
import fs from 'node:fs';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GatewayConfig } from '../../config/schema.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { errorMessage } from '../../vocabulary/errors.js';
import { systemTimeZone, zoneOffsetMs } from '../../vocabulary/local-day.js';
import type { DeviceObserver, ModbusPollReport } from '../device/device-observer.js';
import type { CycleSummary } from '../device/device-session.js';
import type { Logger } from '../logger.js';
import type { PublisherStats } from '../publish/mqtt-publisher.js';
import type { Store } from '../store/index.js';
import type { Program } from '../verify/index.js';
import type { HealthMonitor } from './health-monitor.js';
import { StoreSizer } from './store-size.js';

/** Modbus poll durations: a healthy TCP poll takes milliseconds, an RTU poll at 9600 Bd tens of them. */
export const POLL_BUCKETS_S = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** The event loop's delay is sampled by a timer at this interval (ms). */
const LOOP_RESOLUTION_MS = 20;
/** The event loop's delay is kept in windows of this length; a scrape reads the last full one and the current one. */
const LOOP_WINDOW_MS = 30_000;

export interface MetricsContext {
  config: GatewayConfig;
  store: Store;
  publisher: { stats(): Pick<PublisherStats, 'online' | 'sent' | 'delivered' | 'refused' | 'reconnects' | 'telemetryDropped'> };
  health: HealthMonitor;
  programs: Readonly<Record<string, Readonly<Program>>>;
  version: string;
  /** When the gateway process started (ms). */
  startedAt: number;
  now: () => number;
  logger: Pick<Logger, 'warn'>;
}

interface LoopQuantiles {
  p50: number;
  p99: number;
  max: number;
}

/** An empty histogram (no timer run yet) reads as no lag rather than its sentinel values. */
function loopQuantiles(h: IntervalHistogram): LoopQuantiles {
  return h.count === 0 ? { p50: 0, p99: 0, max: 0 } : { p50: h.percentile(50), p99: h.percentile(99), max: h.max };
}

const CYCLE_DEVICE_TYPES = new Set(['steam-sterilizer', 'washer-disinfector']);

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  /** The quantiles (ns) of the last full window. */
  private loopPrevious: LoopQuantiles = { p50: 0, p99: 0, max: 0 };
  private loopTimer: NodeJS.Timeout;
  private readonly sizer: StoreSizer;
  private readonly bowieDickPrograms: ReadonlySet<string>;

  private readonly linkUp: Gauge<'device' | 'type' | 'driver'>;
  private readonly samples: Counter<'device'>;
  private readonly lines: Counter<'device'>;
  private readonly parseErrors: Counter<'device' | 'reason'>;
  private readonly scans: Counter<'device'>;
  private readonly pollSeconds: Histogram<'device'>;
  private readonly pollsFailed: Counter<'device' | 'reason'>;
  private readonly cycles: Counter<'device' | 'verdict'>;
  private readonly bowieDickPass: Gauge<'device'>;
  private readonly linkTypes = new Map<string, { type: string; driver: string }>();
  private readiness: ReturnType<HealthMonitor['readiness']> | null = null;

  constructor(private readonly ctx: MetricsContext) {
    const { config } = ctx;
    const registers = [this.registry];
    this.sizer = new StoreSizer(config.dataDir, ctx.logger);
    void this.sizer.measure(); // in a worker: the first scrape finds the tables measured
    this.bowieDickPrograms = new Set(
      Object.entries(ctx.programs)
        .filter(([, p]) => p.kind === 'bowie-dick')
        .map(([id]) => id),
    );
    this.loop.enable();
    this.loopTimer = setInterval(() => {
      this.loopPrevious = loopQuantiles(this.loop);
      this.loop.reset();
    }, LOOP_WINDOW_MS);
    this.loopTimer.unref();

    new Gauge({
      name: 'sterilink_build_info',
      help: 'Always 1; the labels name this gateway and its version.',
      labelNames: ['site', 'gateway', 'version'],
      registers,
    }).set({ site: config.site, gateway: config.gateway, version: ctx.version }, 1);
    new Gauge({ name: 'sterilink_process_start_time_seconds', help: 'When the gateway process started (Unix time).', registers }).set(ctx.startedAt / 1000);
    new Gauge({
      name: 'sterilink_site_utc_offset_seconds',
      help: "The site time zone's offset from UTC now (release.timeZone, else the system's): alert rules use it for local hours.",
      registers,
      collect() {
        this.set(zoneOffsetMs(ctx.now(), config.release?.timeZone ?? systemTimeZone()) / 1000);
      },
    });

    // devices
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
    this.linkUp = new Gauge({
      name: 'sterilink_device_link_up',
      help: "1 while the device's line or Modbus link is up, else 0 (0 until it first connects).",
      labelNames: ['device', 'type', 'driver'],
      registers,
    });
    this.samples = counter('sterilink_device_samples_total', 'Samples (temperature/pressure readings) received.', ['device']);
    this.lines = counter('sterilink_device_lines_total', "Lines of the device's own text received (printer or reader lines).", ['device']);
    this.parseErrors = counter('sterilink_device_parse_errors_total', 'Lines or registers that could not be read, by reason.', ['device', 'reason']);
    this.scans = counter('sterilink_device_scans_total', 'Barcodes scanned.', ['device']);
    this.pollSeconds = new Histogram({
      name: 'sterilink_modbus_poll_duration_seconds',
      help: 'Duration of answered Modbus polls (every request of the read plan).',
      labelNames: ['device'],
      buckets: POLL_BUCKETS_S,
      registers,
    });
    this.pollsFailed = counter('sterilink_modbus_polls_failed_total', 'Modbus polls that failed, by reason (timeout, crc, exception, not-connected, io, …).', [
      'device',
      'reason',
    ]);
    this.cycles = counter('sterilink_cycles_total', 'Cycles recorded, by verdict (pass, fail).', ['device', 'verdict']);
    this.bowieDickPass = new Gauge({
      name: 'sterilink_bowie_dick_last_pass_timestamp_seconds',
      help: 'End of the last passed Bowie–Dick test per steam sterilizer (Unix time; 0 when the store has none).',
      labelNames: ['device'],
      registers,
    });
    for (const d of config.devices) {
      this.linkTypes.set(d.id, { type: d.type, driver: d.driver });
      this.linkUp.set({ device: d.id, type: d.type, driver: d.driver }, 0);
      this.samples.inc({ device: d.id }, 0);
      this.lines.inc({ device: d.id }, 0);
      if (d.driver === 'modbus') this.pollSeconds.zero({ device: d.id });
      if (d.type === 'scanner') this.scans.inc({ device: d.id }, 0);
      if (CYCLE_DEVICE_TYPES.has(d.type)) for (const verdict of ['pass', 'fail']) this.cycles.inc({ device: d.id, verdict }, 0);
    }
    try {
      this.seedBowieDick();
    } catch (e) {
      ctx.logger.warn({ err: errorMessage(e) }, 'metrics: the last passed Bowie–Dick tests could not be read from the store; they count from now on');
    }

    // records, outbox, broker
    const publisher = ctx.publisher;
    const health = ctx.health;
    const total = (name: string, help: string, read: (s: ReturnType<typeof publisher.stats>) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read(publisher.stats()));
        },
      });
    /** A gauge read at each scrape. */
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    total('sterilink_records_published_total', 'Record publishes handed to the MQTT client (resends after a reconnect included).', (s) => s.sent);
    total('sterilink_records_acknowledged_total', 'Record publishes the broker acknowledged (PUBACK).', (s) => s.delivered);
    total('sterilink_records_refused_total', 'Record publishes the broker refused or that could not be sent.', (s) => s.refused);
    total('sterilink_mqtt_reconnects_total', 'Connections to the broker made again after a loss.', (s) => s.reconnects);
    total('sterilink_telemetry_dropped_total', 'Telemetry messages dropped (offline or the socket backed up).', (s) => s.telemetryDropped);
    gauge('sterilink_mqtt_connected', '1 while the gateway is connected to the broker.', () => (publisher.stats().online ? 1 : 0));
    // one readiness check per scrape (made in metrics()) feeds the outbox gauges and the ready flag alike
    const ready = () => (this.readiness ??= health.readiness());
    gauge('sterilink_outbox_records', 'Records stored but not yet acknowledged by the broker.', () => ready().outbox.depth);
    gauge(
      'sterilink_outbox_oldest_age_seconds',
      'Age of the oldest record not yet acknowledged by the broker (0 when none waits).',
      () => ready().outbox.oldestAgeS,
    );
    gauge('sterilink_ready', '1 when /readyz says ready (store writable, outbox younger than http.readyMaxOutboxAgeS).', () => (ready().ready ? 1 : 0));

    // store, disk, process
    const sizer = this.sizer;
    new Gauge({
      name: 'sterilink_store_table_bytes',
      help: 'Bytes of database pages per table, its indexes included (measured in the background every 10 minutes).',
      labelNames: ['table'],
      registers,
      collect() {
        this.reset();
        for (const [table, bytes] of sizer.tableBytes()) this.set({ table }, bytes);
      },
    });
    new Gauge({
      name: 'sterilink_store_file_bytes',
      help: 'Bytes of the store files: the database and its write-ahead log.',
      labelNames: ['file'],
      registers,
      collect() {
        const f = sizer.files();
        this.set({ file: 'database' }, f.database);
        this.set({ file: 'wal' }, f.wal);
      },
    });
    const disk = () => fs.statfsSync(config.dataDir);
    gauge('sterilink_disk_free_bytes', "Bytes free for the gateway's user on the data folder's file system.", () => {
      const s = disk();
      return s.bavail * s.bsize;
    });
    gauge('sterilink_disk_size_bytes', "Size of the data folder's file system.", () => {
      const s = disk();
      return s.blocks * s.bsize;
    });
    const self = this;
    new Gauge({
      name: 'sterilink_event_loop_lag_seconds',
      help: 'How late the event loop ran its timers: quantile 0.5, 0.99 and 1 (the maximum) of the last full 30 s window, or of the current one where higher.',
      labelNames: ['quantile'],
      registers,
      collect() {
        // the last full window, or the current one where it is worse (a stall just now shows at once)
        const now = loopQuantiles(self.loop);
        const prev = self.loopPrevious;
        // the histogram holds the whole interval between the sampling timer's runs: the lag is what exceeds it
        const lag = (ns: number) => Math.max(0, ns / 1e9 - LOOP_RESOLUTION_MS / 1000);
        this.set({ quantile: '0.5' }, lag(Math.max(now.p50, prev.p50)));
        this.set({ quantile: '0.99' }, lag(Math.max(now.p99, prev.p99)));
        this.set({ quantile: '1' }, lag(Math.max(now.max, prev.max)));
      },
    });
    gauge('sterilink_process_resident_memory_bytes', 'Resident memory (RSS) of the gateway process.', () => process.memoryUsage.rss());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  metrics(): Promise<string> {
    this.readiness = this.ctx.health.readiness();
    return this.registry.metrics();
  }

  /** What a device session tells the metrics about one device. */
  observerFor(deviceId: string): DeviceObserver {
    const device = { device: deviceId };
    const link = this.linkTypes.get(deviceId) ?? { type: 'unknown', driver: 'unknown' };
    return {
      event: (e: DeviceEvent) => {
        switch (e.kind) {
          case 'sample':
            this.samples.inc(device);
            return;
          case 'raw':
            this.lines.inc(device);
            return;
          case 'parse-error':
            this.parseErrors.inc({ device: deviceId, reason: e.reason });
            return;
          case 'scan':
            this.scans.inc(device);
            return;
          case 'link':
            this.linkUp.set({ device: deviceId, ...link }, e.connected ? 1 : 0);
            return;
          default:
            return;
        }
      },
      poll: (r: ModbusPollReport) => {
        if (r.ok) this.pollSeconds.observe(device, r.seconds);
        else this.pollsFailed.inc({ device: deviceId, reason: r.reason ?? 'unknown' });
      },
    };
  }

  /** A cycle was recorded (after its record was committed). */
  cycle(c: CycleSummary): void {
    const verdict = c.verdict === 'pass' ? 'pass' : 'fail';
    this.cycles.inc({ device: c.deviceId, verdict });
    if (verdict === 'pass' && c.program !== null && this.bowieDickPrograms.has(c.program)) {
      const ended = Date.parse(String((c.record.body as { endedAt?: unknown }).endedAt ?? c.record.ts));
      if (!Number.isNaN(ended)) this.bowieDickPass.set({ device: c.deviceId }, ended / 1000);
    }
  }

  /** Measures the store's tables now (the scrape reports the last measurement); for tests and tools. */
  measureStore(): Promise<void> {
    return this.sizer.measure();
  }

  stop(): void {
    this.loop.disable();
    clearInterval(this.loopTimer);
  }

  /** Every steam sterilizer gets the gauge: its last passed Bowie–Dick test in the store, or 0. */
  private seedBowieDick(): void {
    const steam = this.ctx.config.devices.filter((d) => d.type === 'steam-sterilizer').map((d) => d.id);
    for (const id of steam) this.bowieDickPass.set({ device: id }, 0);
    const programs = [...this.bowieDickPrograms];
    if (!programs.length || !steam.length) return;
    const rows = this.ctx.store.db
      .prepare(
        `SELECT device, MAX(ended_at) AS ended FROM cycle_index WHERE verdict = 'pass' AND program IN (${programs.map(() => '?').join(', ')}) GROUP BY device`,
      )
      .all(...programs) as { device: string | null; ended: string | null }[];
    for (const r of rows) {
      const t = r.ended ? Date.parse(r.ended) : Number.NaN;
      if (r.device && steam.includes(r.device) && !Number.isNaN(t)) this.bowieDickPass.set({ device: r.device }, t / 1000);
    }
  }
}
