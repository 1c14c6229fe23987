// The stages of a device in the gateway, each alone: the sample sink (store rows and telemetry) and the
// device alarms (alarm records, clock-drift episodes). The cycle recorder runs on a real store in
// test/integration/cycle-recorder.test.ts.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OpenCycle } from '../../gateway/cycle/cycle-state.js';
import { DeviceAlarms } from '../../gateway/device/device-alarms.js';
import { SampleSink, telemetryOf } from '../../gateway/device/sample-sink.js';
import { tsatC } from '../../gateway/verify/index.js';

const silent = pino({ level: 'silent' });
const cycle = { cycleId: 'c-1', cycleNo: 42, phases: [{ phase: 'sterilizing', ts: 0 }] } as unknown as OpenCycle;

function sinkRig() {
  const raw: unknown[] = [];
  const samples: unknown[] = [];
  const telemetry: unknown[] = [];
  const sink = new SampleSink({
    deviceId: 'AC-01',
    store: {
      acceptsNoise: true,
      raw: { add: (d: string, row: unknown) => raw.push([d, row]) },
      samples: { add: (d: string, row: unknown) => samples.push([d, row]) },
    } as never,
    output: { publishTelemetry: (d, p) => telemetry.push([d, p]) },
  });
  return { sink, raw, samples, telemetry };
}

describe('sample sink', () => {
  it('stores a sample with both clocks and the open cycle, and publishes it with the cycle phase when the sample has none', () => {
    const r = sinkRig();
    r.sink.sample({ kind: 'sample', deviceId: 'AC-01', ts: 1000, temp_c: 134.1, pressure_kpa: 310, deviceTime: 900 }, cycle, 5000);
    expect(r.samples).toEqual([
      ['AC-01', { ts: 1000, recvTs: 5000, cycleId: 'c-1', temp_c: 134.1, temp2_c: null, pressure_kpa: 310, phase: 'sterilizing', deviceTime: 900 }],
    ]);
    expect(r.telemetry).toEqual([
      [
        'AC-01',
        { ts: new Date(1000).toISOString(), temp_c: 134.1, phase: 'sterilizing', cycleNo: 42, pressure_kpa: 310, tsat_c: Math.round(tsatC(310) * 100) / 100 },
      ],
    ]);
  });

  it('outside a cycle stores and publishes nulls, never an invented cycle', () => {
    const r = sinkRig();
    r.sink.sample({ kind: 'sample', deviceId: 'AC-01', ts: 1000, temp_c: 21, temp2_c: 20.5 }, null, 1000);
    r.sink.raw({ kind: 'raw', deviceId: 'AC-01', ts: 1000, line: 'STANDBY' }, null);
    expect(r.samples).toEqual([['AC-01', expect.objectContaining({ cycleId: null, phase: null, temp2_c: 20.5 })]]);
    expect(r.raw).toEqual([['AC-01', { ts: 1000, cycleId: null, line: 'STANDBY' }]]);
    expect(r.telemetry[0]).toEqual(['AC-01', { ts: new Date(1000).toISOString(), temp_c: 21, phase: null, cycleNo: null, temp2_c: 20.5 }]);
  });

  it('telemetry carries tsat_c only when a pressure is known', () => {
    expect(telemetryOf({ kind: 'sample', deviceId: 'W', ts: 0, temp_c: 90, pressure_kpa: null }, 'disinfect', 1)).not.toHaveProperty('tsat_c');
  });
});

function alarmRig(limitS: number) {
  const appended: [string, Record<string, unknown>][] = [];
  const alarms = new DeviceAlarms({
    clockDriftAlarmS: limitS,
    records: {
      append: (type, body) => {
        appended.push([type, body]);
        return {} as never;
      },
    },
    log: silent,
  });
  return { alarms, appended };
}

describe('device alarms', () => {
  it('records a driver alarm with the open cycle', () => {
    const r = alarmRig(300);
    r.alarms.raise('E23', 'STEAM SUPPLY', 2000, cycle);
    expect(r.appended).toEqual([['alarm', { code: 'E23', text: 'STEAM SUPPLY', at: new Date(2000).toISOString(), cycleId: 'c-1', cycleNo: 42 }]]);
  });

  it('raises clock drift once per episode; the episode ends when the clocks agree within half the limit', () => {
    const r = alarmRig(300);
    const now = 1_000_000_000;
    r.alarms.checkClock(now + 301_000, now, null); // 301 s ahead: alarm
    r.alarms.checkClock(now + 400_000, now, null); // still drifting: no second alarm
    r.alarms.checkClock(now + 160_000, now, null); // 160 s: not yet under half the limit
    r.alarms.checkClock(now - 301_000, now, null); // still the same episode
    expect(r.appended.map(([, b]) => b.text)).toEqual(['device clock ahead of the gateway by 301 s (limit 300 s)']);
    r.alarms.checkClock(now + 149_000, now, null); // agrees again: the episode ends
    r.alarms.checkClock(now - 302_000, now, null);
    expect(r.appended.map(([, b]) => b.text)).toEqual([
      'device clock ahead of the gateway by 301 s (limit 300 s)',
      'device clock behind the gateway by 302 s (limit 300 s)',
    ]);
  });

  it('a limit of 0 turns the clock check off', () => {
    const r = alarmRig(0);
    r.alarms.checkClock(1e12, 0, null);
    expect(r.appended).toEqual([]);
  });
});
