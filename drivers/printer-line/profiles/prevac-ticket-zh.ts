// `prevac-ticket-zh`: the pre-vacuum ticket of prevac-ticket.ts with Chinese labels, as sterilizers sold in
// China print it (WS 310.3 asks for the time, temperature and pressure of every critical point), sent in
// GB18030. The layout is the project's design (docs/devices.md, "prevac-ticket-zh"), not one vendor's:
//   ==== 灭菌器编号 SZ-03  程序 1: 134℃ 器械 ====
//   批次: 004217      日期: 2025-03-14
//   操作员: 0127      装载号: L250314-004217
//   时间      阶段        温度(℃)   压力(kPa)
//   08:12:30  灭菌         134.2     203.1
//   结果: 合格
// Colons may be ASCII or full-width (：). Note 进汽 (steam in, a pulse) and 进气 (air in, aeration): one
// character apart, different phases.

import type { PrinterLineProfile } from '../profile.js';

/** A phase label: Han characters, then optionally digits (预真空1). */
const LABEL = String.raw`[\u4e00-\u9fff][\u4e00-\u9fff0-9]*`;
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const COLON = '[:：]';

export const PREVAC_TICKET_ZH: PrinterLineProfile = {
  name: 'prevac-ticket-zh',
  description: 'Pre-vacuum steam sterilizer ticket with Chinese labels, GB18030, pressures in kPa gauge (docs/devices.md)',
  encoding: 'gb18030',
  pressureUnit: 'kPa-gauge',
  ticketStart: String.raw`^=+\s*灭菌器编号\s*(?<sterilizer>\S+)\s+程序\s*(?<programNo>\d+)${COLON}\s*(?<programText>.*?)\s*=+$`,
  header: [
    String.raw`^批次${COLON}\s*(?<cycleNo>\d+)(?:\s+日期${COLON}\s*(?<date>\d{4}-\d{2}-\d{2}))?`,
    String.raw`^操作员${COLON}\s*(?<operator>\S+)(?:\s+装载号${COLON}\s*(?<loadId>\S+))?`,
  ],
  sample: String.raw`^(?<hh>\d{2}):(?<mm>\d{2}):(?<ss>\d{2})\s+(?:(?<label>${LABEL})\s+)?(?<temp>${NUMBER})\s+(?<pressure>${NUMBER})\s*$`,
  alarm: String.raw`^报警\s*(?<code>[^\s:：]+)${COLON}?\s*(?<text>.*)$`,
  result: String.raw`^结果${COLON}\s*(?<status>合格|不合格|中止)(?<text>.*)$`,
  ignore: [String.raw`^时间\s+阶段`, String.raw`^灭菌温度`, String.raw`^灭菌时间`, String.raw`^F0`],
  phaseMap: {
    开始: 'conditioning',
    '预真空\\d+': 'conditioning',
    '进汽\\d+': 'conditioning',
    泄漏测试: 'conditioning',
    升温: 'heating',
    灭菌: 'sterilizing',
    灭菌结束: 'exhaust',
    排气: 'exhaust',
    干燥: 'drying',
    进气: 'aeration',
    结束: 'complete',
    故障: 'fault',
    泄漏稳定: 'leak-stabilize',
    泄漏测量: 'leak-measure',
  },
  resultMap: { 合格: 'ok', 不合格: 'fault', 中止: 'aborted' },
};
