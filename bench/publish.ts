// Publisher throughput and latency (docs/performance.md) against a private local Mosquitto:
// - outboxDrainRecordsPerSec: ~1 KB signed records drained at QoS 1, from notifyRecords() to the last
//   PUBACK (markDelivered); budget >= 10 000 records/s with a bounded in-flight window.
// - drainRssDeltaMb: peak RSS during the drain minus RSS before it (the records are built beforehand:
//   they stand for the store). Flat memory means this stays small whatever the backlog.
// - telemetryP99Ms: publishTelemetry() call to arrival at a subscriber in this process, through the
//   broker (16 devices at a brisk pace); telemetryCallP99Ms: the call itself (until handed to the socket).
// Run alone: `node dist/bench/publish.js` prints the JSON object.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import pino from 'pino';
import { MemoryOutbox } from '../gateway/publish/memory-outbox.js';
import { MqttPublisher } from '../gateway/publish/mqtt-publisher.js';
import { RECORD_SCHEMA, type SignedRecord } from '../gateway/store/record.js';
import { Mosquitto } from './mosquitto.js';
import { percentile } from './stats.js';

export interface PublishBenchOptions {
  records?: number;
  telemetry?: number;
}

const MB = 1024 * 1024;

function record(seq: number): SignedRecord {
  return {
    schema: RECORD_SCHEMA,
    id: randomUUID(),
    seq,
    type: 'cycle',
    ts: new Date().toISOString(),
    site: 'bench',
    gateway: 'gw',
    device: 'AC-01',
    body: { program: 'steam-134-4', cycleNo: seq, verdict: 'pass', curve: 'x'.repeat(560) },
    prevHash: 'f'.repeat(64),
    hash: 'e'.repeat(64),
    sig: 'A'.repeat(88),
    keyId: '0123456789abcdef',
  };
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export async function benchPublish(opts: PublishBenchOptions = {}): Promise<Record<string, number>> {
  const total = opts.records ?? 20_000;
  const telemetryCount = opts.telemetry ?? 4000;
  // set_tcp_nodelay: the broker's side of the path should not hold small packets either.
  const broker = await Mosquitto.start({ extraConfig: ['set_tcp_nodelay true'] });
  const outbox = new MemoryOutbox();
  const publisher = new MqttPublisher({
    url: broker.url,
    protocolVersion: 5,
    site: 'bench',
    gateway: 'gw',
    logger: pino({ level: 'silent' }),
    outbox,
    status: () => ({ version: 'bench' }),
  });
  const subscriber = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clean: true });
  try {
    const online = once(publisher, 'online');
    await publisher.start();
    const [info] = (await online) as [{ window: number }];

    // Drain.
    // Through JSON so every string is flat now: stringifying a rope later would allocate during the drain.
    const records = Array.from({ length: total }, (_, i) => JSON.parse(JSON.stringify(record(i + 1))) as SignedRecord);
    const recordBytes = Buffer.byteLength(JSON.stringify(records[0]));
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    let delivered = 0;
    const done = new Promise<void>((resolve) =>
      publisher.on('delivered', () => {
        if (++delivered === total) resolve();
      }),
    );
    const t0 = performance.now();
    outbox.add(...records);
    publisher.notifyRecords();
    await done;
    const drainMs = performance.now() - t0;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);

    // Telemetry: 16 devices, bursts every 2 ms.
    const devices = Array.from({ length: 16 }, (_, i) => `AC-${String(i + 1).padStart(2, '0')}`);
    await subscriber.subscribeAsync('sterilink/v1/bench/gw/device/+/telemetry', { qos: 0 });
    const latencies: number[] = [];
    const calls: number[] = [];
    const arrived = new Promise<void>((resolve) =>
      subscriber.on('message', (_topic, payload) => {
        const sent = (JSON.parse(payload.toString()) as { sentAt: number }).sentAt;
        latencies.push(performance.now() - sent);
        if (latencies.length >= telemetryCount) resolve();
      }),
    );
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 20_000).unref());
    for (let sent = 0; sent < telemetryCount; ) {
      for (const d of devices) {
        if (sent++ >= telemetryCount) break;
        const c0 = performance.now();
        publisher.publishTelemetry(d, { ts: Date.now(), temp_c: 134.1, pressure_kpa: 304.2, tsat_c: 134.0, phase: 'sterilizing', cycleNo: 1, sentAt: c0 });
        calls.push(performance.now() - c0);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.race([arrived, timeout]);
    const stats = publisher.stats();

    return {
      outboxDrainRecordsPerSec: Math.round((total / drainMs) * 1000),
      drainRecords: total,
      drainRecordBytes: recordBytes,
      drainWindow: info.window,
      drainPeakInFlight: stats.peakInFlight,
      drainRssDeltaMb: round((rssPeak - rssBefore) / MB, 1),
      telemetryP50Ms: round(percentile(latencies, 50)),
      telemetryP99Ms: round(percentile(latencies, 99)),
      telemetryCallP99Ms: round(percentile(calls, 99)),
      telemetryLost: telemetryCount - latencies.length,
    };
  } finally {
    await subscriber.endAsync(true);
    await publisher.stop();
    await broker.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchPublish()));
}
