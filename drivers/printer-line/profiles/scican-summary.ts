// `scican-summary`: a SciCan STATCLAVE-style cycle ticket (reference/cssd-devices.md §2.1 (b), layout
// reconstructed from public parsing code; values illustrative). It prints no samples: only the machine's
// min/max sterilization values and phase times (elapsed mm:ss), so it yields a `summary` event and the
// gateway verifies what a summary can prove (docs/devices.md, "Summary tickets"). CRLF lines:
//   STATCLAVE G4 SBS1R118                 ticket start (model and firmware)
//   SN 710123B00004 / Unit #  :  000 / 1.2uS / 0.7ppm / CYCLE NUMBER  001755
//    9:54:52  08/10/2025                  start time, DD/MM/YYYY [U: the one sample dates cycle 1755 2025-10-08]
//   Solid/Wrapped / 132 C/4min            cycle type, program text (programNumbers maps it)
//   Min. steri. Values: /  132.6 C  290kPa       pressures in kPa absolute (290 kPa is p_sat(132.6 °C))
//   Max. steri. Values: /  134.0 C  302kPa
//   STERILIZING 25:35 / DRYING START 29:40 / DRYING END 58:10 / CYCLE COMPLETE 58:30
//   Digital Signature # / 3F9A1C0D77E2    trailer: the cycle closes at the signature (ticketEnd)
// Faults and aborts are the project's design [U]: `CYCLE FAULT CF23 STEAM SUPPLY`, `CYCLE ABORTED 27:40`.

import type { PrinterLineProfile } from '../profile.js';

const DECIMAL = String.raw`\d+(?:\.\d+)?`;
const VALUES = (min: 'min' | 'max'): string => String.raw`^(?<${min}Temp>${DECIMAL})\s*C\s+(?<${min}Pressure>${DECIMAL})\s*kPa$`;

export const SCICAN_SUMMARY: PrinterLineProfile = {
  name: 'scican-summary',
  description: 'SciCan STATCLAVE-style summary ticket: min/max sterilization values and phase times, no samples',
  encoding: 'latin1',
  pressureUnit: 'kPa-abs',
  idleGapS: 60,
  ticketStart: String.raw`^(?<model>STATCLAVE\b.*)$`,
  header: [
    String.raw`^SN\s+(?<serial>\S+)$`,
    String.raw`^Unit #\s*:\s*(?<unit>\d+)$`,
    String.raw`^(?<water>${DECIMAL}\s*uS\s*/\s*${DECIMAL}\s*ppm)$`,
    String.raw`^CYCLE NUMBER\s+(?<cycleNo>\d+)$`,
    String.raw`^(?<hh>\d{1,2}):(?<mm>\d{2}):(?<ss>\d{2})\s+(?<day>\d{2})/(?<month>\d{2})/(?<year>\d{4})$`,
    String.raw`^(?<programText>\d{3}\s*C/${DECIMAL}\s*min|Vacuum Test)$`,
    String.raw`^(?<cycleType>[A-Z][A-Za-z]*(?:[ /&]+[A-Za-z]+)*)$`,
  ],
  summary: [
    { after: String.raw`^Min\. steri\. Values:$`, pattern: VALUES('min') },
    { after: String.raw`^Max\. steri\. Values:$`, pattern: VALUES('max') },
    String.raw`^(?<phaseLabel>STERILIZING|DRYING START|DRYING END|CYCLE COMPLETE|CYCLE ABORTED)\s+(?<phaseAt>\d+:\d{2})$`,
  ],
  alarm: String.raw`^CYCLE FAULT\s+(?<code>CF\d+)\s*(?<text>.*)$`,
  result: String.raw`^CYCLE (?<status>COMPLETE|ABORTED)\b`,
  ticketEnd: String.raw`^[0-9A-F]{8,}$`,
  ignore: [String.raw`^Min\. steri\. Values:$`, String.raw`^Max\. steri\. Values:$`, String.raw`^Digital Signature #$`],
  phaseMap: {
    STERILIZING: 'sterilizing',
    'DRYING START': 'drying',
    'DRYING END': 'aeration',
    'CYCLE COMPLETE': 'complete',
    'CYCLE ABORTED': 'fault',
  },
  resultMap: { COMPLETE: 'ok', ABORTED: 'aborted' },
  programNumbers: {
    '134 C/4MIN': 1,
    '121 C/20MIN': 2,
    '134 C/18MIN': 3,
    '121 C/15MIN': 4,
    '134 C/3\\.5MIN': 7,
    'VACUUM TEST': 8,
  },
};
