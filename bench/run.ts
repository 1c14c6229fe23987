// `npm run bench`: every performance figure of docs/performance.md as one JSON object on stdout, so runs can be
// compared. Budgets (for a Raspberry Pi 3/4 with 10–20x headroom on this class of machine) are in
// docs/performance.md. Progress goes to stderr.

import { benchFleet } from './fleet.js';
import { benchGateway } from './gateway.js';
import { benchModbus } from './modbus.js';
import { benchPublish } from './publish.js';
import { benchRecordCommit } from './record-commit.js';
import { benchRetentionYear } from './retention.js';
import { benchSdWrites } from './sd-writes.js';
import { benchStore } from './store.js';
import { benchVerify } from './verify.js';
import { benchHistory, benchWebRss } from './web.js';

const figures: Record<string, number | string> = { node: process.version, at: new Date().toISOString() };
const step = async (name: string, fn: () => Record<string, number> | Promise<Record<string, number>>) => {
  process.stderr.write(`bench: ${name}...\n`);
  Object.assign(figures, await fn());
};
await step('verify', () => benchVerify());
await step('store', () => benchStore());
await step('cycle end: the event loop while 2-hour cycle records are committed', () => benchRecordCommit());
await step('SD-card writes: 16 sterilizers, 2 simulated hours', () => benchSdWrites());
await step('publish', () => benchPublish());
await step('modbus', () => benchModbus());
await step('gateway steady state', () => benchGateway());
await step('web page: history queries on 100 000 cycles', () => benchHistory());
await step('web page: gateway RSS with the page off and on', () => benchWebRss());
await step('fleet: 20 gateways x 4 machines into one broker', () => benchFleet());
await step('retention: a year of 20 machines x 10 cycles a day, then db verify (minutes)', () => benchRetentionYear());
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
process.exit(0);
