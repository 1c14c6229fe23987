// The device sessions write to one DeviceOutput (device-session.ts): with the page on, app.ts gives
// them this tee, which passes every call to the MQTT publisher first and then to the live hub. The hub
// never delays or breaks the publisher: its failures are caught and logged once per kind of call.

import { errorMessage } from '../../vocabulary/errors.js';
import type { DeviceOutput } from '../device/device-session.js';
import type { Logger } from '../logger.js';

export function teeOutput(primary: DeviceOutput, secondary: DeviceOutput, logger: Logger): DeviceOutput {
  const failed = new Set<string>();
  const guard = (what: string, fn: () => void) => {
    try {
      fn();
      failed.delete(what);
    } catch (e) {
      if (!failed.has(what)) logger.error({ err: errorMessage(e), call: what }, 'web: the live board could not take an update (MQTT is not affected)');
      failed.add(what);
    }
  };
  return {
    publishTelemetry(deviceId, payload) {
      primary.publishTelemetry(deviceId, payload);
      guard('telemetry', () => secondary.publishTelemetry(deviceId, payload));
    },
    setDeviceState(deviceId, state) {
      primary.setDeviceState(deviceId, state);
      guard('state', () => secondary.setDeviceState(deviceId, state));
    },
    notifyRecords() {
      primary.notifyRecords();
      guard('records', () => secondary.notifyRecords());
    },
  };
}
