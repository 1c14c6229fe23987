// `amsco-ls` and `amsco-ls-metric`: the STERIS AMSCO LS series 1 Hz serial data string
// (reference/cssd-devices.md §2.1 (a); 38400 8N1, no flow control, one line per second):
//   - 10:41:58 AM  -27.1  98.4 271.6  96.2  97.9  95.0 120.3  70.1
//   S 10:47:02 AM   28.9 271.2 271.8 270.6 270.9 270.4 268.0  70.1
// flag (`S` in the sterilize phase, else `-`), time of day (`AM`/`PM`, or spaces on the 24-hour clock),
// chamber pressure, then the temperatures Chamber, Jacket, Waste, Load 1, Air Detector (Load 2), Filter,
// Reference. No header and no result: cycles are found from the flag and the silences between them
// (segmentation `flag`). The Chamber temperature (the drain) is `temp`, Load 1 is `temp2` (the load
// probe; a column that is not a number, e.g. an unplugged probe printing dashes, is no reading).
// Units are not in the manual excerpt [U]: above atmosphere the pressure reads as psig; the excerpt's
// -27.1 during a vacuum pulse can only be inches of mercury (−27.1 psig is below absolute zero), so
// negative readings are inHg vacuum. The metric variant is °C and kPa gauge (vacuum negative kPa).

import type { PrinterLineProfile } from '../profile.js';

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const COLUMN = String.raw`\S+`;
const SAMPLE =
  String.raw`^(?<flag>[S-])\s+(?<hh>\d{1,2}):(?<mm>\d{2}):(?<ss>\d{2})(?:\s+(?<ampm>[AP]M))?\s+(?<pressure>${NUMBER})` +
  String.raw`\s+(?<temp>${NUMBER})\s+${COLUMN}\s+${COLUMN}\s+(?<temp2>${COLUMN})\s+${COLUMN}\s+${COLUMN}\s+${COLUMN}\s*$`;

export const AMSCO_LS: PrinterLineProfile = {
  name: 'amsco-ls',
  description: 'STERIS AMSCO LS 1 Hz data string: °F, psig (vacuum in inHg), cycles from the sterilize flag and idle gaps',
  encoding: 'latin1',
  pressureUnit: 'psig',
  vacuumUnit: 'inHg-gauge',
  temperatureUnit: 'F',
  segmentation: 'flag',
  flag: { on: 'S', before: 'conditioning', during: 'sterilizing', after: 'exhaust' },
  idleGapS: 60,
  header: [],
  sample: SAMPLE,
  ignore: [],
  phaseMap: {},
  resultMap: {},
};

const { vacuumUnit: _inchesOfMercury, ...IMPERIAL_WITHOUT_VACUUM_SCALE } = AMSCO_LS;

export const AMSCO_LS_METRIC: PrinterLineProfile = {
  ...IMPERIAL_WITHOUT_VACUUM_SCALE,
  name: 'amsco-ls-metric',
  description: 'STERIS AMSCO LS 1 Hz data string set to metric: °C, kPa gauge (vacuum negative), cycles from the sterilize flag and idle gaps',
  pressureUnit: 'kPa-gauge',
  temperatureUnit: 'C',
};
