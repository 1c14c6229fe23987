// Renders a steam cycle as the `prevac-ticket-zh` ticket (docs/devices.md): the default ticket's layout
// and timing with Chinese labels, to be sent GB18030-encoded (ticketBytesZh). Pure: no clock, no I/O.
// The sample lines follow ticket-writer.ts (a label on the first sample of each phase or sub-step), so the
// two tickets of one cycle carry the same samples and phases.

import { encodeGb18030 } from '../shared/gb18030.js';
import { fixed1, formatClock, formatDate, formatMinSec, layOutSampledTicket, type TicketLine } from '../shared/ticket-text.js';
import type { CycleSample, SteamCycle } from './cycle.js';
import { plateauSummary } from './plateau-summary.js';
import { DEFAULT_ATMOSPHERIC_KPA, type SampleLineFormat, sampleLabel, type TicketHeader, type TicketOptions } from './ticket-writer.js';

const LABELS: Readonly<Record<string, string>> = {
  START: '开始',
  'LEAK TEST': '泄漏测试',
  'HEAT UP': '升温',
  STERILIZE: '灭菌',
  'STERILIZE END': '灭菌结束',
  EXHAUST: '排气',
  DRYING: '干燥',
  'AIR IN': '进气',
  END: '结束',
  FAULT: '故障',
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
export const formatSampleLineZh: SampleLineFormat = (clockMs, label, tempC, pressureKpaAbs, atmosphericKpa = DEFAULT_ATMOSPHERIC_KPA) => {
  const labelCol = padDisplay(label === undefined ? '' : zhLabel(label), 12);
  return `${formatClock(clockMs)}  ${labelCol}${fixed1(tempC).padStart(7)}${fixed1(pressureKpaAbs - atmosphericKpa).padStart(10)}`;
};

export function renderTicketZh(header: TicketHeader, cycle: SteamCycle, options: TicketOptions = {}): TicketLine[] {
  const atm = options.atmosphericKpa ?? DEFAULT_ATMOSPHERIC_KPA;
  const summary = plateauSummary(cycle);
  return layOutSampledTicket<CycleSample>({
    header: formatHeaderZh(header),
    samples: cycle.samples,
    alarms: cycle.alarms,
    sampleLine: (prev, s) => formatSampleLineZh(header.startMs + s.t * 1000, sampleLabel(prev, s), s.temp_c, s.pressure_kpa, atm),
    alarmLine: (alarm) => `报警 ${alarm.code}: ${ALARM_TEXTS[alarm.text] ?? alarm.text}`,
    footer: [
      ...(summary
        ? [`灭菌温度 最低/最高: ${fixed1(summary.minTempC)}/${fixed1(summary.maxTempC)} ℃`, `灭菌时间: ${formatMinSec(summary.seconds)}   F0: n/a`]
        : []),
      cycle.result === 'aborted' ? '结果: 中止' : '结果: 合格',
    ],
  });
}

/** One printed line as the bytes the printer port sends. */
export function ticketBytesZh(text: string): Buffer {
  return encodeGb18030(text);
}
