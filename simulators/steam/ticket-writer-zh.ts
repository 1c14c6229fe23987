// Renders a steam cycle as the `prevac-ticket-zh` ticket (docs/devices.md): the default ticket's layout
// and timing with Chinese labels, to be sent GB18030-encoded (ticketBytesZh). Pure: no clock, no I/O.
// The sample lines follow ticket-writer.ts (a label on the first sample of each phase or sub-step), so the
// two tickets of one cycle carry the same samples and phases.

import { encodeGb18030 } from '../shared/gb18030.js';
import type { CycleSample, SteamCycle } from './cycle.js';
import { formatMinSec, plateauSummary } from './plateau-summary.js';
import { DEFAULT_ATMOSPHERIC_KPA, formatClock, formatDate, sampleLabel, type TicketHeader, type TicketLine, type TicketOptions } from './ticket-writer.js';

const LABELS: Readonly<Record<string, string>> = {
  'START': '开始',
  'LEAK TEST': '泄漏测试',
  'HEAT UP': '升温',
  'STERILIZE': '灭菌',
  'STERILIZE END': '灭菌结束',
  'EXHAUST': '排气',
  'DRYING': '干燥',
  'AIR IN': '进气',
  'END': '结束',
  'FAULT': '故障',
  'LEAK STAB': '泄漏稳定',
  'LEAK MEASURE': '泄漏测量',
};

/** Program texts of the simulator's programs (steam/programs.ts) in Chinese; others print as they are. */
const PROGRAM_TEXTS: Readonly<Record<string, string>> = {
  '134C INSTR': '134℃ 器械',
  '121C 20MIN': '121℃ 20分钟',
  '134C PRION 18MIN': '134℃ 朊病毒 18分钟',
  '121C 15MIN': '121℃ 15分钟',
  'BOWIE-DICK TEST': 'B-D测试',
  'VACUUM LEAK TEST': '真空泄漏测试',
};

const ALARM_TEXTS: Readonly<Record<string, string>> = { 'STEAM SUPPLY': '蒸汽供应' };

/** The Chinese label for a ticket-writer.ts label: `PULSE2 VAC` -> 预真空2, `PULSE2 STEAM` -> 进汽2. */
export function zhLabel(label: string): string {
  const pulse = /^PULSE(\d+) (VAC|STEAM)$/.exec(label);
  if (pulse) return `${pulse[2] === 'VAC' ? '预真空' : '进汽'}${pulse[1]}`;
  const zh = LABELS[label];
  if (zh === undefined) throw new Error(`no Chinese label for '${label}'`);
  return zh;
}

/** Columns as a printer lays them out: a Han character takes two columns. */
function padDisplay(text: string, width: number): string {
  const cols = [...text].reduce((n, ch) => n + ((ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, width - cols));
}

function fixed1(x: number): string {
  const s = x.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

export function formatHeaderZh(h: TicketHeader): string[] {
  const program = PROGRAM_TEXTS[h.programText] ?? h.programText;
  return [
    `==== 灭菌器编号 ${h.sterilizer}  程序 ${h.programNo}: ${program} ====`,
    `批次: ${String(h.cycleNo).padStart(6, '0').padEnd(10)}日期: ${formatDate(h.startMs)}`,
    `操作员: ${h.operator.padEnd(10)}装载号: ${h.loadId}`,
    '时间      阶段        温度(℃)   压力(kPa)',
  ];
}

/** `08:12:30  灭菌           134.2     203.1` (pressure in kPa gauge). */
export function formatSampleLineZh(clockMs: number, label: string | undefined, tempC: number, pressureKpaAbs: number, atmosphericKpa = DEFAULT_ATMOSPHERIC_KPA): string {
  const labelCol = padDisplay(label === undefined ? '' : zhLabel(label), 12);
  return `${formatClock(clockMs)}  ${labelCol}${fixed1(tempC).padStart(7)}${fixed1(pressureKpaAbs - atmosphericKpa).padStart(10)}`;
}

export function renderTicketZh(header: TicketHeader, cycle: SteamCycle, options: TicketOptions = {}): TicketLine[] {
  const atm = options.atmosphericKpa ?? DEFAULT_ATMOSPHERIC_KPA;
  const t0 = cycle.samples[0]?.t ?? 0;
  const lines: TicketLine[] = formatHeaderZh(header).map((text) => ({ t: t0, text }));
  const alarms = [...cycle.alarms].sort((a, b) => a.t - b.t);
  const alarmLine = (code: string, text: string): string => `报警 ${code}: ${ALARM_TEXTS[text] ?? text}`;
  let a = 0;
  let prev: CycleSample | undefined;
  for (const s of cycle.samples) {
    for (; a < alarms.length && (alarms[a]?.t ?? Infinity) <= s.t; a++) {
      const alarm = alarms[a];
      if (alarm) lines.push({ t: s.t, text: alarmLine(alarm.code, alarm.text) });
    }
    lines.push({ t: s.t, text: formatSampleLineZh(header.startMs + s.t * 1000, sampleLabel(prev, s), s.temp_c, s.pressure_kpa, atm) });
    prev = s;
  }
  const tEnd = prev ? prev.t : t0;
  for (; a < alarms.length; a++) {
    const alarm = alarms[a];
    if (alarm) lines.push({ t: tEnd, text: alarmLine(alarm.code, alarm.text) });
  }
  const summary = plateauSummary(cycle);
  if (summary) {
    lines.push({ t: tEnd, text: `灭菌温度 最低/最高: ${fixed1(summary.minTempC)}/${fixed1(summary.maxTempC)} ℃` });
    lines.push({ t: tEnd, text: `灭菌时间: ${formatMinSec(summary.seconds)}   F0: n/a` });
  }
  lines.push({ t: tEnd, text: cycle.result === 'aborted' ? '结果: 中止' : '结果: 合格' });
  return lines;
}

/** One printed line as the bytes the printer port sends. */
export function ticketBytesZh(text: string): Buffer {
  return encodeGb18030(text);
}
