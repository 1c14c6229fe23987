// `watch --once --json` (and `--json` live): the model as plain JSON for scripts. Field names follow
// the MQTT payloads they come from; numbers are as received, durations in seconds. Pure.
import type { CycleNo } from '../../gateway/publish/payload-readers.js';
import type { Link, WatchModel, WatchStats } from './watch-model.js';

export interface GatewaySnapshot {
  site: string;
  gateway: string;
  online: boolean | null;
  version: string | null;
  keyId: string | null;
  startedAt: string | null;
}

export interface VerdictSnapshot {
  id: string;
  seq: number | null;
  program: string | null;
  cycleNo: CycleNo | null;
  verdict: string;
  failed: string[];
  hold_s: number | null;
  endedAt: string | null;
}

export interface DeviceSnapshot {
  gateway: string;
  site: string;
  id: string;
  link: Link;
  connected: boolean | null;
  phase: string | null;
  program: string | null;
  cycleNo: CycleNo | null;
  since: string | null;
  /** Last telemetry sample (device time, ISO), or null if none arrived. */
  ts: string | null;
  temp_c: number | null;
  temp2_c: number | null;
  pressure_kpa: number | null;
  tsat_diff_k: number | null;
  hold_s: number | null;
  hold_required_s: number | null;
  lastVerdicts: VerdictSnapshot[];
}

export interface WatchSnapshot {
  gateways: GatewaySnapshot[];
  devices: DeviceSnapshot[];
  messages: Omit<WatchStats, 'lastInvalid'>;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export function toSnapshot(model: WatchModel): WatchSnapshot {
  return {
    gateways: model.gateways().map((g) => ({
      site: g.site,
      gateway: g.gateway,
      online: g.online,
      version: g.version ?? null,
      keyId: g.keyId ?? null,
      startedAt: g.startedAt ?? null,
    })),
    devices: model.devices().map((d) => {
      const t = d.telemetry;
      const hold = model.holdOf(d);
      const now = model.currentOf(d);
      return {
        gateway: d.gateway,
        site: d.site,
        id: d.id,
        link: model.linkOf(d),
        connected: d.state?.connected ?? null,
        phase: now.phase,
        program: d.state?.program ?? d.cycle?.hold?.spec.program ?? null,
        cycleNo: now.cycleNo,
        since: d.state?.since ?? null,
        ts: t ? new Date(t.ts).toISOString() : null,
        temp_c: t?.temp_c ?? null,
        temp2_c: t?.temp2_c ?? null,
        pressure_kpa: t?.pressure_kpa ?? null,
        tsat_diff_k: model.tsatDiffK(d),
        hold_s: hold.seconds === null ? null : round1(hold.seconds),
        hold_required_s: hold.requiredS,
        lastVerdicts: d.verdicts.map((v) => ({
          id: v.id,
          seq: v.seq,
          program: v.program,
          cycleNo: v.cycleNo,
          verdict: v.verdict,
          failed: v.failed,
          hold_s: v.holdS,
          endedAt: v.endedAt,
        })),
      };
    }),
    messages: { messages: model.stats.messages, invalid: model.stats.invalid, ignored: model.stats.ignored },
  };
}
