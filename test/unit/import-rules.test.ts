// The layering rules of docs/architecture.md hold in the tree, and a violating import fails them, naming the rule.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRules, formatViolations, RULES, readTree, sourceFacts, type Violation } from '../helpers/import-rules.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('import rules of the project', () => {
  it('hold for every file of the tree', () => {
    const tree = readTree(ROOT);
    expect(tree.size).toBeGreaterThan(300); // the whole tree was read, not an empty folder
    const violations = checkRules(tree, RULES);
    expect(formatViolations(violations)).toBe('');
  });
});

/** A small tree, written to a temp folder: each case adds one file that breaks one rule. */
const base: Record<string, string> = {
  'vocabulary/device-event.ts': 'export interface DeviceEvent { kind: string }\n',
  'drivers/demo/parse.ts':
    "import type { DeviceEvent } from '../../vocabulary/device-event.js';\nexport const parse = (x: string): DeviceEvent => ({ kind: x });\n",
  'gateway/store/store.ts': "import Database from 'better-sqlite3';\nexport const open = () => new Database(':memory:');\n",
  'gateway/verify/verify.ts': "import { parse } from '../../drivers/demo/parse.js';\nexport const verify = (x: string) => parse(x).kind === 'ok';\n",
  'gateway/app.ts':
    "import { open } from './store/store.js';\nimport { verify } from './verify/verify.js';\nexport const app = () => [open(), verify('ok')];\n",
  'config/load-config.ts': "import { verify } from '../gateway/verify/verify.js';\nexport const check = () => verify('ok');\n",
  'simulators/autoclave.ts': "import type { DeviceEvent } from '../vocabulary/device-event.js';\nexport const run = (): DeviceEvent[] => [];\n",
  'cli/sterilink.ts':
    "import { app } from '../gateway/app.js';\nimport { run } from '../simulators/autoclave.js';\nexport const main = () => [app(), run()];\n",
  'test/helpers/broker.ts': 'export const broker = 1;\n',
  'bench/run.ts': "import { app } from '../gateway/app.js';\nexport const bench = app;\n",
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function violationsWith(extra: Record<string, string>): Violation[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-import-rules-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries({ ...base, ...extra })) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return checkRules(readTree(dir), RULES);
}

describe('a violating import fails the rules and names the rule', () => {
  it('the small tree alone is clean', () => {
    expect(violationsWith({})).toEqual([]);
  });

  it('a driver importing the gateway', () => {
    const v = violationsWith({ 'drivers/demo/driver.ts': "import { app } from '../../gateway/app.js';\nexport const d = app;\n" });
    expect(v).toEqual([
      expect.objectContaining({ rule: 'drivers-import-only-vocabulary', file: 'drivers/demo/driver.ts', what: 'imports gateway/app.ts (line 1)' }),
    ]);
    expect(formatViolations(v)).toMatch(
      /^drivers-import-only-vocabulary: drivers\/demo\/driver\.ts imports gateway\/app\.ts \(line 1\)\n {2}why: drivers get a transport/,
    );
  });

  it('the gateway importing a simulator (only cli/ may)', () => {
    const v = violationsWith({ 'gateway/demo.ts': "export const sims = () => import('../simulators/autoclave.js');\n" });
    expect(v.map((x) => [x.rule, x.file])).toEqual([
      ['gateway-never-imports-cli-or-simulators', 'gateway/demo.ts'],
      ['only-cli-imports-simulators', 'gateway/demo.ts'],
    ]);
  });

  it('the config reaching the store through another file', () => {
    const v = violationsWith({
      'gateway/verify/verify.ts': "import { open } from '../store/store.js';\nexport const verify = (x: string) => !!open() && x === 'ok';\n",
    });
    expect(v).toContainEqual(
      expect.objectContaining({
        rule: 'config-never-reaches-the-runtime',
        file: 'config/load-config.ts',
        what: 'reaches gateway/store/store.ts through config/load-config.ts -> gateway/verify/verify.ts -> gateway/store/store.ts',
      }),
    );
    // …and the verifier itself is no longer pure:
    expect(v).toContainEqual(
      expect.objectContaining({
        rule: 'pure-parts-do-no-io',
        file: 'gateway/store/store.ts',
        what: expect.stringMatching(
          /^imports the I\/O module better-sqlite3 \(line 1\) \(reached from gateway\/verify\/verify\.ts -> gateway\/store\/store\.ts\)/,
        ),
      }),
    );
  });

  it('a pure part reading the clock', () => {
    const v = violationsWith({ 'gateway/verify/verify.ts': "export const verify = (x: string) => x === 'ok' && Date.now() > 0;\n" });
    expect(v).toEqual([expect.objectContaining({ rule: 'pure-parts-do-no-io', file: 'gateway/verify/verify.ts', what: 'reads the clock: Date.now (line 1)' })]);
  });

  it('the vocabulary importing anything, the bench importing a test helper, files importing each other', () => {
    const v = violationsWith({
      'vocabulary/phases.ts': "import pino from 'pino';\nexport const log = pino;\n",
      'bench/publish.ts': "import { broker } from '../test/helpers/broker.js';\nexport const b = broker;\n",
      'gateway/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'gateway/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    expect(v.map((x) => x.rule).sort()).toEqual(['bench-never-imports-tests', 'no-import-circles', 'pure-parts-do-no-io', 'vocabulary-stands-alone']);
  });
});

describe('reading imports', () => {
  it('sees static, re-exported, type-only and dynamic imports, not imports in comments or strings', () => {
    const facts = sourceFacts(
      'gateway/x.ts',
      [
        "import a from './a.js';",
        "export * from '../b.js';",
        "import type { T } from './t.js';",
        "const m = await import('node:fs');",
        "// import z from './commented.js';",
        'const s = "import y from \'./in-a-string.js\'";',
        'const d = new Date(0); const e = new Date();',
      ].join('\n'),
    );
    expect(facts.imports.map((i) => i.to)).toEqual(['gateway/a.ts', 'b.ts', 'gateway/t.ts', 'node:fs']);
    expect(facts.clockReads).toEqual([{ line: 7, text: 'new Date()' }]);
  });
});
