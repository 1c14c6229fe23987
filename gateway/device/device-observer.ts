// What watches a device without taking part in it (the metrics, gateway/metrics/): every event its driver
// emits, and each Modbus poll with its duration. The session calls it after routing the event; an observer
// that throws is logged once and never changes what the device records.
import type { ModbusPollReport } from '../../drivers/modbus/index.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';

export type { ModbusPollReport } from '../../drivers/modbus/index.js';

export interface DeviceObserver {
  event(e: DeviceEvent): void;
  poll?(report: ModbusPollReport): void;
}
