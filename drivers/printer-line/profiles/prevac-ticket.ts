// The default printer-line profile: the pre-vacuum ticket of docs/devices.md, which is also what
// `sterilink simulate autoclave` prints when given no --profile. The patterns are the grammar table
// of that page with named groups; change both together (the simulator is written against the page).

import type { PrinterLineProfile } from '../profile.js';

/** A phase label: words of capitals and digits separated by single spaces, starting with a letter. */
const LABEL = String.raw`[A-Z][A-Z0-9]*(?: [A-Z0-9]+)*`;
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;

export const PREVAC_TICKET: PrinterLineProfile = {
  name: 'prevac-ticket',
  description: 'Generic pre-vacuum steam sterilizer (and washer-disinfector) ticket, pressures in kPa gauge (docs/devices.md)',
  encoding: 'utf-8',
  pressureUnit: 'kPa-gauge',
  ticketStart: String.raw`^=+ (?:STERILIZER|WASHER) (?<sterilizer>\S+)\s+PROG (?<programNo>\d+):\s*(?<programText>.*?)\s*=+$`,
  header: [
    String.raw`^CYCLE NO:\s*(?<cycleNo>\d+)(?:\s+DATE:\s*(?<date>\d{4}-\d{2}-\d{2}))?`,
    String.raw`^OPERATOR:\s*(?<operator>\S+)(?:\s+LOAD ID:\s*(?<loadId>\S+))?`,
  ],
  sample: String.raw`^(?<hh>\d{2}):(?<mm>\d{2}):(?<ss>\d{2})\s{2,}(?<label>${LABEL})?\s+(?<temp>${NUMBER})\s+(?:(?<pressure>${NUMBER})|-)(?:\s+(?<temp2>${NUMBER}))?\s*$`,
  alarm: String.raw`^ALARM\s+(?<code>[^\s:]+):?\s*(?<text>.*)$`,
  result: String.raw`^RESULT:\s*CYCLE (?<status>OK|ABORTED|FAILED|FAULT)(?<text>.*)$`,
  ignore: [
    String.raw`^TIME\s+PHASE`,
    String.raw`^STER TEMP MIN/MAX`,
    String.raw`^STER TIME`,
    String.raw`^F0`,
    String.raw`^DISINF TEMP MIN/MAX`,
    String.raw`^DISINF TIME`,
  ],
  phaseMap: {
    START: 'conditioning',
    'PULSE\\d+ VAC': 'conditioning',
    'PULSE\\d+ STEAM': 'conditioning',
    'LEAK TEST': 'conditioning',
    'HEAT UP': 'heating',
    STERILIZE: 'sterilizing',
    'STERILIZE END': 'exhaust',
    EXHAUST: 'exhaust',
    DRYING: 'drying',
    'AIR IN': 'aeration',
    END: 'complete',
    FAULT: 'fault',
    'LEAK STAB': 'leak-stabilize',
    'LEAK MEASURE': 'leak-measure',
    // washer-disinfector tickets (same layout; pressure printed as '-', optional load probe column)
    PREWASH: 'prewash',
    WASH: 'wash',
    NEUTRALIZE: 'neutralize',
    RINSE: 'rinse',
    DISINFECT: 'disinfect',
  },
  resultMap: { OK: 'ok', ABORTED: 'aborted', FAILED: 'fault', FAULT: 'fault' },
};
