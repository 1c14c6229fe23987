// What a device's parts write and whom they tell: every record a device makes (cycle, alarm, scan) carries
// the gateway clock's quality, and after a commit the publisher is woken to send it.
import type { ClockQuality } from '../clock/clock-monitor.js';
import type { Store } from '../store/index.js';
import type { NewRecord, SignedRecord } from '../store/record.js';

/** What a device needs from the publisher (kept narrow so devices are testable without MQTT). */
export interface DeviceOutput {
  publishTelemetry(deviceId: string, payload: object): void;
  setDeviceState(deviceId: string, state: object): void;
  notifyRecords(): void;
}

export interface DeviceRecordsContext {
  deviceId: string;
  store: Store;
  output: Pick<DeviceOutput, 'notifyRecords'>;
  /** The gateway clock's quality, stamped on every record. */
  clock?: () => ClockQuality;
}

export class DeviceRecords {
  constructor(private readonly ctx: DeviceRecordsContext) {}

  /** The body with the gateway clock's quality, as every record of the device carries it (merged with what
   * the body says about clocks itself: a cycle's `timeBase`). */
  stamp(body: Record<string, unknown>): Record<string, unknown> {
    if (!this.ctx.clock) return body;
    const own = typeof body.clock === 'object' && body.clock !== null ? body.clock : {};
    return { ...body, clock: { ...this.ctx.clock(), ...own } };
  }

  /** Signs, chains and stores one record of this device, then wakes the publisher. */
  append(type: NewRecord['type'], body: Record<string, unknown>): SignedRecord {
    const record = this.ctx.store.records.append({ type, device: this.ctx.deviceId, body: this.stamp(body) });
    this.ctx.output.notifyRecords();
    return record;
  }
}
