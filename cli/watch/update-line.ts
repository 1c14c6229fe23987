// Live mode without a terminal (a pipe, a log file, `ssh host sterilink watch | grep`): one plain
// line per update instead of a redrawn screen. Pure: the caller passes the time prefix.
import { clean } from './text.js';
import type { WatchModel, WatchUpdate } from './watch-model.js';

const num = (x: number | null | undefined, unit: string, digits = 1): string | null => (x === null || x === undefined ? null : `${x.toFixed(digits)} ${unit}`);

/** The line for one update, or null when nothing worth a line happened (an ignored topic). */
export function updateLine(model: WatchModel, u: WatchUpdate, prefix: string): string | null {
  // A line of words (the empty ones left out), a line as it stands, or none.
  const body = ((): Array<string | null> | string | null => {
    switch (u.kind) {
      case 'status': {
        const g = u.gateway;
        return [`${g.key} status`, g.online ? 'online' : 'OFFLINE', g.version ? `v${g.version}` : null, g.keyId ? `key ${g.keyId}` : null];
      }
      case 'state': {
        const d = u.device;
        const s = d.state!;
        const hold = model.holdOf(d);
        return [
          `${d.key} state`,
          s.connected ? 'connected' : 'DISCONNECTED',
          s.phase ?? '-',
          s.program,
          s.cycleNo !== null ? `cycle ${s.cycleNo}` : null,
          hold.requiredS !== null ? `hold required ${hold.requiredS} s` : null,
        ];
      }
      case 'telemetry': {
        const d = u.device;
        const t = d.telemetry!;
        const hold = model.holdOf(d);
        const diff = model.tsatDiffK(d);
        return [
          `${d.key} ${t.phase ?? '-'}`,
          t.cycleNo !== null ? `cycle ${t.cycleNo}` : null,
          num(t.temp_c, 'C'),
          t.temp2_c !== null ? `probe ${num(t.temp2_c, 'C')}` : null,
          num(t.pressure_kpa, 'kPa'),
          diff !== null ? `T-Tsat ${diff > 0 ? '+' : ''}${diff.toFixed(1)} K` : null,
          hold.requiredS !== null ? `hold ${hold.seconds === null ? '-' : Math.floor(hold.seconds)}/${hold.requiredS} s` : null,
        ];
      }
      case 'verdict': {
        if (u.duplicate) return null;
        const v = u.verdict;
        return [
          `${u.device.key} cycle`,
          v.cycleNo !== null ? `${v.cycleNo}` : '?',
          v.program ?? '-',
          v.verdict.toUpperCase(),
          v.holdS !== null ? `hold ${Math.floor(v.holdS)} s` : null,
          v.failed.length ? `failed: ${v.failed.join(', ')}` : null,
          v.historical ? '(replayed)' : null,
        ];
      }
      case 'cleared':
        return `${u.topic} cleared`;
      case 'invalid':
        return `invalid payload on ${u.topic}: ${u.reason}`;
      case 'ignored':
        return null;
    }
  })();
  if (body === null) return null;
  return clean(`${prefix}${Array.isArray(body) ? body.filter(Boolean).join(' ') : body}`);
}
