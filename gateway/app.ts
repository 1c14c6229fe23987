// Wiring from config: store -> publisher -> device sessions, started in dependency order and stopped in
// reverse. One device failing to start is logged and isolated; the others run.
import { brokerUrls } from '../config/broker-urls.js';
import type { GatewayConfig } from '../config/schema.js';
import { errorMessage, GatewayError } from '../vocabulary/errors.js';
import { redactUrl } from '../vocabulary/redact-url.js';
import type { BrokerHandle } from './broker/embedded-broker.js';
import { ClockMonitor } from './clock/clock-monitor.js';
import { DeviceLinks } from './device/device-link.js';
import { type CycleSummary, type DeviceOutput, DeviceSession } from './device/device-session.js';
import type { WebHandler } from './http/index.js';
import type { RouteTable } from './http/route-table.js';
import { LoadWorkflow, loadPolicyFrom, scanReadingOf } from './load/index.js';
import type { Logger } from './logger.js';
import { DEFAULT_READY_MAX_OUTBOX_AGE_S, type GatewayPhase, HealthMonitor } from './metrics/health-monitor.js';
import type { GatewayMetrics } from './metrics/index.js';
import { MqttPublisher } from './publish/mqtt-publisher.js';
import { DataDirLock, Store } from './store/index.js';
import { SecondTicker } from './system/second-ticker.js';
import { STORAGE_ALARM_META, StorageAlarms } from './system/storage-alarms.js';
import { type ProgramOverride, resolvePrograms } from './verify/index.js';
import { VERSION } from './version.js';

/** How far back a restart looks for cycle records whose release decision was not made. */
const RECENT_RECORDS = 500;

export interface AppContext {
  config: GatewayConfig;
  mqttPassword?: string;
  /** The web page's bearer token (from the environment or http.auth.tokenFile). */
  httpToken?: string;
  logger: Logger;
  now?: () => number;
  onCycle?: (summary: CycleSummary) => void;
  /** Remove the retained status and device states at stop (the demo), instead of `online: false`. */
  clearRetainedOnStop?: boolean;
}

export class GatewayApp {
  private readonly ctx: AppContext;
  private readonly now: () => number;
  private store: Store | null = null;
  private dataLock: DataDirLock | null = null;
  private publisher: MqttPublisher | null = null;
  private broker: BrokerHandle | null = null;
  private sessions: DeviceSession[] = [];
  private clock: ClockMonitor | null = null;
  /** The HTTP listener (page and/or /metrics, /healthz, /readyz) when `http` is configured. */
  private web: { url: string; page: boolean; stop(): Promise<void> } | null = null;
  private health: HealthMonitor | null = null;
  private metrics: GatewayMetrics | null = null;
  private phase: GatewayPhase = 'starting';
  /** The one timer a second shared by the clock monitor, the load workflow and every device session. */
  private ticker: SecondTicker | null = null;
  private storageAlarms: StorageAlarms | null = null;
  private stopping: Promise<void> | null = null;
  readonly startedAt: number;

  constructor(ctx: AppContext) {
    this.ctx = ctx;
    this.now = ctx.now ?? Date.now;
    this.startedAt = this.now();
  }

  async start(): Promise<void> {
    const { config, logger } = this.ctx;
    this.ticker = new SecondTicker(this.now, (err) => logger.error({ err: errorMessage(err) }, 'gateway timer failed'));
    const ticker = this.ticker;
    this.clock = new ClockMonitor({ logger, ticker });
    await this.clock.start();
    const clock = this.clock;
    const storageAlarms = new StorageAlarms({
      append: (body, code) => {
        store.records.appendWith({ type: 'alarm', body: { ...body, clock: clock.quality() } }, () => store.meta.set(STORAGE_ALARM_META, code));
        this.publisher?.notifyRecords();
      },
      lastCode: () => store.meta.get(STORAGE_ALARM_META),
      publishStatus: () => this.publisher?.publishStatus(),
      logger,
    });
    this.storageAlarms = storageAlarms;
    this.dataLock = DataDirLock.acquire(config.dataDir, this.now); // one gateway per data folder: refuse before touching the store
    const store = new Store({
      dataDir: config.dataDir,
      site: config.site,
      gateway: config.gateway,
      logger,
      now: this.now,
      reserveBytes: Math.round(config.storage.reserveMiB * 1024 * 1024),
      flushIntervalMs: Math.round(config.storage.sampleFlushS * 1000),
      onStorageChange: (s) => storageAlarms.onChange(s),
    });
    store.start();
    this.store = store;
    storageAlarms.init();
    const key = store.publicKeyInfo();
    logger.info({ dataDir: config.dataDir, keyId: key.keyId, records: store.records.count(), pending: store.records.pendingCount() }, 'store open');
    const health = new HealthMonitor({
      store,
      dataDir: config.dataDir,
      maxOutboxAgeS: config.http?.readyMaxOutboxAgeS ?? DEFAULT_READY_MAX_OUTBOX_AGE_S,
      now: this.now,
      phase: () => this.phase,
      logger,
    });
    health.start();
    this.health = health;

    let url: string | string[] = brokerUrls(config.mqtt);
    if (config.mqtt.url === 'embedded') {
      // aedes is loaded only for the demo's embedded broker: a site gateway does not carry it in memory
      const { startEmbeddedBroker } = await import('./broker/embedded-broker.js');
      this.broker = await startEmbeddedBroker({ logger });
      url = this.broker.url;
    }
    const startedAt = new Date(this.startedAt).toISOString();
    this.publisher = new MqttPublisher({
      url,
      ...(config.mqtt.clientId ? { clientId: config.mqtt.clientId } : {}),
      ...(config.mqtt.username ? { username: config.mqtt.username } : {}),
      ...(this.ctx.mqttPassword ? { password: this.ctx.mqttPassword } : {}),
      ...(config.mqtt.tls ? { tls: config.mqtt.tls } : {}),
      protocolVersion: config.mqtt.protocolVersion,
      allowInsecure: config.mqtt.allowInsecure,
      site: config.site,
      gateway: config.gateway,
      logger,
      outbox: store.records.outbox, // durable records only (record-log.ts)
      status: () => ({ version: VERSION, startedAt, keyId: key.keyId, publicKey: key.publicKey, storage: storageOf(store) }),
      health: () => health.statusHealth(),
      window: config.mqtt.window,
      ...(this.ctx.clearRetainedOnStop ? { clearRetainedOnStop: true } : {}),
    });
    await this.publisher.start();
    const publisher = this.publisher;
    health.onChange((r) => {
      if (r.ready) logger.info('health: ready again');
      else logger.warn({ reasons: r.reasons }, `health: not ready: ${r.reasons.join('; ')}`);
    });
    health.onStatusStale(() => publisher.refreshStatus());

    const programs = resolvePrograms(config.programs as ProgramOverride[]);
    const output = await this.startWeb(store, programs, publisher);
    const { policy, problems } = loadPolicyFrom(config.release, config.devices, config.loaner);
    if (problems.length) throw new GatewayError('config.release', `release rules: ${problems.join('; ')}`);
    const loads = new LoadWorkflow({
      db: store.db,
      append: (r) => store.records.append({ ...r, body: { ...r.body, clock: clock.quality() } }),
      policy,
      logger,
      now: this.now,
      onRecords: () => output.notifyRecords(),
      flush: () => store.flush(),
      commitSync: 'NORMAL', // the record log fsyncs off the event loop and publishes only durable records
      // the retained state goes out once the records it comes from are durable, as they are published
      onLoanerState: (set, state) => store.records.afterDurable(() => publisher.setLoanerState(set, state)),
    });
    // retention: checkpoints and deletion of old rows, a pass 5 minutes after start then every intervalMinutes
    store.startRetention(config.retention, () => output.notifyRecords());
    // the broker may have lost the loaner sets' retained states (restarted without persistence): published again
    for (const { set, state } of loads.loanerStates(this.now())) publisher.setLoanerState(set, state);
    this.decideUndecidedCycles(loads, store);
    let ticks = 0;
    ticker.add(() => {
      if (++ticks % 10 !== 0) return; // every 10 s
      try {
        loads.tick(this.now());
        // a decision that failed after its cycle record was committed is retried here
        if (ticks % 60 === 0) this.decideUndecidedCycles(loads, store);
      } catch (e) {
        logger.error({ err: errorMessage(e) }, 'load workflow tick failed');
      }
    });

    const scanReading = scanReadingOf(policy);
    const metrics = this.metrics;
    const userOnCycle = this.ctx.onCycle;
    const onCycle: ((c: CycleSummary) => void) | undefined = metrics
      ? (c) => {
          try {
            metrics.cycle(c);
          } catch (e) {
            logger.error({ deviceId: c.deviceId, err: errorMessage(e) }, 'metrics: the cycle could not be counted');
          }
          userOnCycle?.(c);
        }
      : userOnCycle;
    const links = new DeviceLinks({ modbusDevices: config.devices.filter((d) => d.driver === 'modbus').length }); // one per gateway: its devices share the Modbus buses and poll clock
    for (const device of config.devices) {
      const session = new DeviceSession({
        device,
        store,
        output,
        logger,
        now: this.now,
        clock: () => clock.quality(),
        loads,
        programs,
        scanReading,
        links,
        ticker,
        ...(onCycle ? { onCycle } : {}),
        ...(this.metrics ? { observer: this.metrics.observerFor(device.id) } : {}),
        noiseSamplePerDay: config.storage.noiseSamplePerDay,
        ...(config.release?.timeZone ? { timeZone: config.release.timeZone } : {}),
      });
      try {
        await session.start();
        this.sessions.push(session);
      } catch (e) {
        logger.error({ deviceId: device.id, err: errorMessage(e) }, 'device could not start; the other devices run on');
        await session.stop();
      }
    }
    this.phase = 'running';
    logger.info({ devices: this.sessions.map((s) => s.id), mqtt: (typeof url === 'string' ? [url] : url).map(redactUrl).join(', ') }, 'gateway running');
  }

  /** The broker the gateway talks to when `mqtt.url: embedded`: the in-process one, or the one already listening there. */
  get embeddedBroker(): { url: string; embedded: boolean } | null {
    return this.broker ? { url: this.broker.url, embedded: this.broker.embedded } : null;
  }

  /** The web page's URL, when it is configured and listening (null with `http.page: false`). */
  get webUrl(): string | null {
    return this.web?.page ? this.web.url : null;
  }

  /** The Prometheus metrics' URL, when `http` is configured and listening. */
  get metricsUrl(): string | null {
    return this.web ? new URL('metrics', this.web.url).href : null;
  }

  /** With `http` configured: the metrics and health endpoints, the page unless `http.page: false` (each loaded
   * only then), and the device output fanned out to the page. A listener that cannot start is logged; the
   * gateway records and publishes on without it. */
  private async startWeb(store: Store, programs: ReturnType<typeof resolvePrograms>, publisher: MqttPublisher): Promise<DeviceOutput> {
    const { config, logger } = this.ctx;
    const health = this.health;
    if (!config.http || !health) return publisher;
    try {
      const { GatewayMetrics, addHealthRoutes, addMetricsRoute } = await import('./metrics/index.js');
      const metrics = new GatewayMetrics({ config, store, publisher, health, programs, version: VERSION, startedAt: this.startedAt, now: this.now, logger });
      this.metrics = metrics;
      const addRoutes = (routes: RouteTable<WebHandler>) => {
        addMetricsRoute(routes, metrics);
        addHealthRoutes(routes, health);
      };
      if (config.http.page === false) {
        const { startEndpointServer } = await import('./http/endpoint-server.js');
        const server = await startEndpointServer({ config, httpToken: this.ctx.httpToken, logger, now: this.now, addRoutes });
        this.web = { url: server.url, page: false, stop: () => server.stop() };
        return publisher;
      }
      const { startWebServer, teeOutput } = await import('./http/index.js');
      const web = await startWebServer({ config, httpToken: this.ctx.httpToken, store, programs, logger, now: this.now, version: VERSION, addRoutes });
      this.web = { url: web.url, page: true, stop: () => web.stop() };
      return teeOutput(publisher, web.hub, logger);
    } catch (e) {
      logger.error({ err: errorMessage(e), listen: config.http.listen }, 'web page and metrics could not start; the gateway runs without them');
      this.metrics?.stop();
      this.metrics = null;
      return publisher;
    }
  }

  /** A crash (or a failure) between committing a cycle record and its release decision leaves the load
   * undecided: the recent cycle records without a release state get their decision at start and every minute. */
  private decideUndecidedCycles(loads: LoadWorkflow, store: Store): void {
    const head = store.records.head().seq;
    for (const rec of store.records.range(Math.max(1, head - RECENT_RECORDS + 1), head, RECENT_RECORDS)) {
      const cycleId = (rec.body as { cycleId?: unknown }).cycleId;
      if (rec.type !== 'cycle' || typeof cycleId !== 'string' || loads.releaseOfCycle(cycleId)) continue;
      this.ctx.logger.warn({ deviceId: rec.device, cycleId, seq: rec.seq }, 'cycle record without a release decision: deciding now');
      try {
        loads.onCycleRecorded(rec);
      } catch (e) {
        this.ctx.logger.error({ deviceId: rec.device, cycleId, seq: rec.seq, err: errorMessage(e) }, 'release decision failed; retried in a minute');
      }
    }
  }

  /** Idempotent: devices, then the publisher (status offline), then the store (flushes), then the broker. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const { logger } = this.ctx;
    this.phase = 'stopping';
    await this.web?.stop().catch((e: unknown) => logger.error({ err: errorMessage(e) }, 'web page stop failed'));
    this.ticker?.stop();
    for (const s of [...this.sessions].reverse()) {
      await s.stop().catch((e: unknown) => logger.error({ deviceId: s.id, err: errorMessage(e) }, 'device stop failed'));
    }
    await this.publisher?.stop().catch((e: unknown) => logger.error({ err: errorMessage(e) }, 'publisher stop failed'));
    this.storageAlarms?.stop();
    try {
      this.store?.close();
    } catch (e) {
      logger.error({ err: errorMessage(e) }, 'store close failed');
    }
    this.dataLock?.release();
    await this.broker?.stop();
    this.health?.stop();
    this.metrics?.stop();
    this.clock?.stop();
    logger.info('gateway stopped');
  }
}

/** The storage part of the retained status (docs/mqtt.md): the state and what it rests on. */
function storageOf(store: Store): Record<string, unknown> {
  const s = store.storageStatus();
  return { state: s.state, since: s.since, error: s.error, freeBytes: s.freeBytes, reserveHeld: s.reserveHeld };
}
