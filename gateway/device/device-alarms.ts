// A device's alarm records: the alarms its driver reports (a machine alarm line or register, a stale
// sensor) and the one the gateway raises itself, clock drift: both clocks are stored with every sample, and a
// device clock further than `clockDriftAlarmS` from the gateway's is an alarm once per episode (the episode
// ends when the clocks agree again within half the limit).

import type { OpenCycle } from '../cycle/cycle-state.js';
import type { Logger } from '../logger.js';
import type { DeviceRecords } from './device-records.js';

export interface DeviceAlarmsContext {
  /** The drift that raises a `clock-drift` alarm, seconds; 0 turns the check off. */
  clockDriftAlarmS: number;
  records: Pick<DeviceRecords, 'append'>;
  log: Logger;
}

export class DeviceAlarms {
  private driftAlarmed = false;

  constructor(private readonly ctx: DeviceAlarmsContext) {}

  /** An `alarm` record, tied to the open cycle when there is one; `extra` fields join the body. */
  raise(code: string, text: string, ts: number, cycle: Readonly<OpenCycle> | null, extra: Record<string, unknown> = {}): void {
    this.ctx.records.append('alarm', {
      ...extra,
      code,
      text,
      at: new Date(ts).toISOString(),
      cycleId: cycle?.cycleId ?? null,
      cycleNo: cycle?.cycleNo ?? null,
    });
    this.ctx.log.warn({ cycleId: cycle?.cycleId, code, text }, 'device alarm');
  }

  /** Compares the device clock of a sample with the gateway's receive time. */
  checkClock(deviceTime: number, now: number, cycle: Readonly<OpenCycle> | null): void {
    const limitS = this.ctx.clockDriftAlarmS;
    if (!limitS) return;
    const driftS = (deviceTime - now) / 1000;
    if (!this.driftAlarmed && Math.abs(driftS) > limitS) {
      this.driftAlarmed = true;
      this.raise(
        'clock-drift',
        `device clock ${driftS > 0 ? 'ahead of' : 'behind'} the gateway by ${Math.abs(driftS).toFixed(0)} s (limit ${limitS} s)`,
        now,
        cycle,
      );
    } else if (this.driftAlarmed && Math.abs(driftS) < limitS / 2) {
      this.driftAlarmed = false;
      this.ctx.log.info({ driftS }, 'device clock agrees with the gateway again');
    }
  }
}
