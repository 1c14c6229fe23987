// `npm run bench:rss [MINUTES] [DEVICES] [SPEED]`: the gateway's RSS over a long steady run (default an hour, 16
// simulated sterilizers at 1 Hz, real time, cycles running and records built), one median per 5 minutes, so a
// slow growth shows; SPEED > 1 runs the simulators faster (more cycles per hour). Separate from `npm run bench`,
// which measures 30 s. docs/performance.md has the figures.

import { benchGateway } from './gateway.js';

function positiveInt(arg: string | undefined, fallback: number, name: string): number {
  if (arg === undefined) return fallback;
  const n = Number(arg);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`bench:rss: ${name} must be a positive whole number (got '${arg}')\n`);
    process.exit(2);
  }
  return n;
}

const minutes = positiveInt(process.argv[2], 60, 'MINUTES');
const devices = positiveInt(process.argv[3], 16, 'DEVICES');
const speed = positiveInt(process.argv[4], 1, 'SPEED');
process.stderr.write(`bench:rss: ${devices} devices at ${speed}x for ${minutes} min...\n`);
const figures = await benchGateway({ devices, seconds: minutes * 60, rssEveryMinutes: Math.min(5, minutes), speed });
process.stdout.write(`${JSON.stringify({ node: process.version, at: new Date().toISOString(), ...figures }, null, 2)}\n`);
process.exit(0);
