// Wiring from config: store -> publisher -> device sessions, started in dependency order and stopped in
// reverse. One device failing to start is logged and isolated; the others run.
import { brokerUrls, type GatewayConfig } from '../config/schema.js';
import { errorMessage, GatewayError } from '../vocabulary/errors.js';
import { redactUrl } from '../vocabulary/redact-url.js';
import type { BrokerHandle } from './broker/embedded-broker.js';
import { ClockMonitor } from './clock/clock-monitor.js';
import { DeviceLinks } from './device/device-link.js';
import { type CycleSummary, type DeviceOutput, DeviceSession } from './device/device-session.js';
import type { WebHandle } from './http/index.js';
import { LoadWorkflow, loadPolicyFrom, scanReadingOf } from './load/index.js';
import type { Logger } from './logger.js';
import { MqttPublisher } from './publish/mqtt-publisher.js';
import { DataDirLock, Store } from './store/index.js';
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
  private web: WebHandle | null = null;
  private loadTicker: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  readonly startedAt: number;

  constructor(ctx: AppContext) {
    this.ctx = ctx;
    this.now = ctx.now ?? Date.now;
    this.startedAt = this.now();
  }

  async start(): Promise<void> {
    const { config, logger } = this.ctx;
    this.clock = new ClockMonitor({ logger });
    await this.clock.start();
    const clock = this.clock;
    this.dataLock = DataDirLock.acquire(config.dataDir, this.now); // one gateway per data folder: refuse before touching the store
    const store = new Store({ dataDir: config.dataDir, site: config.site, gateway: config.gateway, logger, now: this.now });
    store.start();
    this.store = store;
    const key = store.publicKeyInfo();
    logger.info({ dataDir: config.dataDir, keyId: key.keyId, records: store.records.count(), pending: store.records.pendingCount() }, 'store open');

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
      outbox: store.records,
      status: () => ({ version: VERSION, startedAt, keyId: key.keyId, publicKey: key.publicKey }),
      window: config.mqtt.window,
      ...(this.ctx.clearRetainedOnStop ? { clearRetainedOnStop: true } : {}),
    });
    await this.publisher.start();
    const publisher = this.publisher;

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
      onLoanerState: (set, state) => publisher.setLoanerState(set, state),
    });
    // the broker may have lost the loaner sets' retained states (restarted without persistence): published again
    for (const { set, state } of loads.loanerStates(this.now())) publisher.setLoanerState(set, state);
    this.decideUndecidedCycles(loads, store);
    let ticks = 0;
    this.loadTicker = setInterval(() => {
      try {
        loads.tick(this.now());
        // a decision that failed after its cycle record was committed is retried here
        if (++ticks % 6 === 0) this.decideUndecidedCycles(loads, store);
      } catch (e) {
        logger.error({ err: errorMessage(e) }, 'load workflow tick failed');
      }
    }, 10_000);
    this.loadTicker.unref();

    const scanReading = scanReadingOf(policy);
    const links = new DeviceLinks(); // one per gateway: its devices share the Modbus buses
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
        ...(this.ctx.onCycle ? { onCycle: this.ctx.onCycle } : {}),
      });
      try {
        await session.start();
        this.sessions.push(session);
      } catch (e) {
        logger.error({ deviceId: device.id, err: errorMessage(e) }, 'device could not start; the other devices run on');
        await session.stop();
      }
    }
    logger.info({ devices: this.sessions.map((s) => s.id), mqtt: (typeof url === 'string' ? [url] : url).map(redactUrl).join(', ') }, 'gateway running');
  }

  /** The broker the gateway talks to when `mqtt.url: embedded`: the in-process one, or the one already listening there. */
  get embeddedBroker(): { url: string; embedded: boolean } | null {
    return this.broker ? { url: this.broker.url, embedded: this.broker.embedded } : null;
  }

  /** The web page's URL, when it is configured and listening. */
  get webUrl(): string | null {
    return this.web?.url ?? null;
  }

  /** With `http` configured: the page (loaded only then), and the device output fanned out to it. A page
   * that cannot start is logged; the gateway records and publishes on without it. */
  private async startWeb(store: Store, programs: ReturnType<typeof resolvePrograms>, publisher: MqttPublisher): Promise<DeviceOutput> {
    const { config, logger } = this.ctx;
    if (!config.http) return publisher;
    try {
      const { startWebServer, teeOutput } = await import('./http/index.js');
      this.web = await startWebServer({ config, httpToken: this.ctx.httpToken, store, programs, logger, now: this.now, version: VERSION });
      return teeOutput(publisher, this.web.hub, logger);
    } catch (e) {
      logger.error({ err: errorMessage(e), listen: config.http.listen }, 'web page could not start; the gateway runs without it');
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
    await this.web?.stop().catch((e: unknown) => logger.error({ err: errorMessage(e) }, 'web page stop failed'));
    if (this.loadTicker) clearInterval(this.loadTicker);
    for (const s of [...this.sessions].reverse()) {
      await s.stop().catch((e: unknown) => logger.error({ deviceId: s.id, err: errorMessage(e) }, 'device stop failed'));
    }
    await this.publisher?.stop().catch((e: unknown) => logger.error({ err: errorMessage(e) }, 'publisher stop failed'));
    try {
      this.store?.close();
    } catch (e) {
      logger.error({ err: errorMessage(e) }, 'store close failed');
    }
    this.dataLock?.release();
    await this.broker?.stop();
    this.clock?.stop();
    logger.info('gateway stopped');
  }
}
