// Where a device's measurements go: each raw line and each sample into its hash-chained log in the store
// (batched), and each sample as live telemetry (QoS 0). The open cycle, if any, is given by the caller: the
// sink stamps rows with it and never changes it. While the store refuses noise (the disk is nearly full),
// lines and samples outside a cycle are counted and not stored; telemetry still goes out.
import type { RawLineEvent, SampleEvent } from '../../vocabulary/device-event.js';
import type { OpenCycle } from '../cycle/cycle-state.js';
import type { Store } from '../store/index.js';
import { tsatC } from '../verify/index.js';
import type { DeviceOutput } from './device-records.js';

export interface SampleSinkContext {
  deviceId: string;
  store: Pick<Store, 'raw' | 'samples' | 'acceptsNoise' | 'refuseNoise'>;
  output: Pick<DeviceOutput, 'publishTelemetry'>;
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export class SampleSink {
  constructor(private readonly ctx: SampleSinkContext) {}

  /** One line of the device's text, kept with the cycle it belongs to. */
  raw(e: RawLineEvent, cycle: Readonly<OpenCycle> | null): void {
    if (!cycle && !this.ctx.store.acceptsNoise) {
      this.ctx.store.refuseNoise('raw');
      return;
    }
    this.ctx.store.raw.add(this.ctx.deviceId, { ts: e.ts, cycleId: cycle?.cycleId ?? null, line: e.line });
  }

  /** One sample: stored with both clocks (the device's `ts`, the gateway's `now`), then published. */
  sample(e: SampleEvent, cycle: Readonly<OpenCycle> | null, now: number): void {
    const phase = e.phase ?? cycle?.phases.at(-1)?.phase ?? null;
    if (!cycle && !this.ctx.store.acceptsNoise) this.ctx.store.refuseNoise('sample');
    else
      this.ctx.store.samples.add(this.ctx.deviceId, {
        ts: e.ts,
        recvTs: now,
        cycleId: cycle?.cycleId ?? null,
        temp_c: e.temp_c,
        temp2_c: e.temp2_c ?? null,
        pressure_kpa: e.pressure_kpa ?? null,
        phase,
        deviceTime: e.deviceTime ?? null,
      });
    this.ctx.output.publishTelemetry(this.ctx.deviceId, telemetryOf(e, phase, cycle?.cycleNo ?? null));
  }
}

/** The telemetry payload of a sample (docs/mqtt.md): `tsat_c` when a pressure is known. */
export function telemetryOf(e: SampleEvent, phase: string | null, cycleNo: number | null): Record<string, unknown> {
  const p = e.pressure_kpa;
  const tsat = p !== undefined && p !== null ? tsatC(p) : Number.NaN;
  const payload: Record<string, unknown> = { ts: new Date(e.ts).toISOString(), temp_c: e.temp_c, phase, cycleNo };
  if (e.temp2_c !== undefined && e.temp2_c !== null) payload.temp2_c = e.temp2_c;
  if (p !== undefined && p !== null) payload.pressure_kpa = p;
  if (Number.isFinite(tsat)) payload.tsat_c = round(tsat, 2);
  return payload;
}
