// `npm run soak`: the fault suite of test/faults/ with STERILINK_SOAK=1 (more repetitions, longer runs),
// then the table of what each fault did. Exit status: vitest's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const report = path.join(root, 'test-artifacts', 'faults', 'faults.jsonl');
fs.rmSync(report, { force: true });
const run = spawnSync('npx', ['vitest', 'run', 'test/faults', '--testTimeout=1800000', '--hookTimeout=600000', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, STERILINK_SOAK: '1' },
});
const rows = fs.existsSync(report)
  ? fs
      .readFileSync(report, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
const cols = ['fault', 'count', 'recordsLost', 'result'];
console.log('\n| fault | count | records lost | result |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.fault} | ${r.count} | ${r.recordsLost} | ${r.result} |`);
if (!rows.length) console.log('(no fault rows: did the suite run?)');
process.exit(run.status ?? 1);
