// The layering rules of docs/architecture.md ("What each folder may import"), as code: read every source file's
// imports with TypeScript's own parser, then check each rule. A violation names its rule, the file, the import
// and why the rule exists, so a failing `npm test` says what to change. No dependency beyond TypeScript.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The folders that hold the project's TypeScript. */
export const SOURCE_FOLDERS = ['vocabulary', 'drivers', 'gateway', 'config', 'cli', 'simulators', 'web', 'bench', 'test'] as const;

export interface ImportEdge {
  /** A project file (root-relative, `.ts`) or a package / built-in module as written (`pino`, `node:fs`). */
  to: string;
  /** True when `to` is a file of the project. */
  local: boolean;
  line: number;
}

export interface SourceFacts {
  imports: ImportEdge[];
  /** Reads of the wall or monotonic clock: `Date.now`, `new Date()` without arguments, `performance.now`, `process.hrtime`. */
  clockReads: { line: number; text: string }[];
}

/** A path pattern: `dir/` matches everything below dir, `dir/**` likewise, anything else one file exactly. */
export type Pattern = string;

export type Rule = { id: string; why: string } /** Files of `from` import project files of `allow` only (and packages only when `packages` allows them). */ & (
  | { kind: 'may-import-only'; from: Pattern[]; allow: Pattern[]; packages: boolean }
  /** Files of `from` never import a project file of `to` directly. */
  | { kind: 'never-imports'; from: Pattern[]; to: Pattern[]; except?: Pattern[] }
  /** Files of `from` never reach a project file of `to`, directly or through any chain of imports. */
  | { kind: 'never-reaches'; from: Pattern[]; to: Pattern[] }
  /** Nothing reachable from `roots` imports an I/O module or reads the clock. */
  | { kind: 'pure'; roots: Pattern[]; ioModules: string[] }
  /** No files of `among` import each other in a circle. */
  | { kind: 'no-circles'; among: Pattern[] }
);

export interface Violation {
  rule: string;
  file: string;
  /** What breaks the rule: the import (or chain of imports), or the clock read. */
  what: string;
  why: string;
}

export function matches(file: string, patterns: readonly Pattern[]): boolean {
  return patterns.some((p) => (p.endsWith('/**') ? file.startsWith(p.slice(0, -2)) : p.endsWith('/') ? file.startsWith(p) : file === p));
}

function listFiles(root: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'fixtures') walk(child);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        out.push(child);
      }
    }
  };
  walk(folder);
  return out;
}

/** The imports and clock reads of one file's source text. */
export function sourceFacts(file: string, text: string): SourceFacts {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imports: ImportEdge[] = [];
  const clockReads: SourceFacts['clockReads'] = [];
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const add = (spec: string, node: ts.Node) => {
    if (spec.startsWith('.')) {
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
      imports.push({ to: resolved, local: true, line: lineOf(node) });
    } else {
      imports.push({ to: spec, local: false, line: lineOf(node) });
    }
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, node);
    } else if (ts.isPropertyAccessExpression(node)) {
      const text = node.getText(sf);
      if (text === 'Date.now' || text === 'performance.now' || text === 'process.hrtime') clockReads.push({ line: lineOf(node), text });
    } else if (ts.isNewExpression(node) && node.expression.getText(sf) === 'Date' && (node.arguments?.length ?? 0) === 0) {
      clockReads.push({ line: lineOf(node), text: 'new Date()' });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports, clockReads };
}

/** Every source file under `root` (in SOURCE_FOLDERS) with its facts. */
export function readTree(root: string): Map<string, SourceFacts> {
  const tree = new Map<string, SourceFacts>();
  for (const folder of SOURCE_FOLDERS) {
    for (const file of listFiles(root, folder)) tree.set(file, sourceFacts(file, fs.readFileSync(path.join(root, file), 'utf8')));
  }
  return tree;
}

const show = (e: ImportEdge) => `${e.to} (line ${e.line})`;

/** Each file reachable from `start` with the chain of imports that reaches it (breadth first: a shortest chain). */
function reachable(tree: Map<string, SourceFacts>, start: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift() as string;
    for (const e of tree.get(file)?.imports ?? []) {
      if (!e.local || chains.has(e.to)) continue;
      chains.set(e.to, [...(chains.get(file) as string[]), e.to]);
      if (tree.has(e.to)) queue.push(e.to);
    }
  }
  return chains;
}

function circles(tree: Map<string, SourceFacts>, among: readonly Pattern[]): string[][] {
  // Tarjan's strongly connected components over the files of `among`.
  const files = [...tree.keys()].filter((f) => matches(f, among));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const strong = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const e of tree.get(v)?.imports ?? []) {
      if (!e.local || !tree.has(e.to) || !matches(e.to, among)) continue;
      if (!index.has(e.to)) {
        strong(e.to);
        low.set(v, Math.min(low.get(v) as number, low.get(e.to) as number));
      } else if (onStack.has(e.to)) {
        low.set(v, Math.min(low.get(v) as number, index.get(e.to) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) strong(f);
  return found;
}

export function checkRules(tree: Map<string, SourceFacts>, rules: readonly Rule[]): Violation[] {
  const out: Violation[] = [];
  for (const rule of rules) {
    const v = (file: string, what: string) => out.push({ rule: rule.id, file, what, why: rule.why });
    switch (rule.kind) {
      case 'may-import-only':
        for (const [file, facts] of tree) {
          if (!matches(file, rule.from)) continue;
          for (const e of facts.imports) {
            if (e.local ? !matches(e.to, rule.allow) : !rule.packages) v(file, `imports ${show(e)}`);
          }
        }
        break;
      case 'never-imports':
        for (const [file, facts] of tree) {
          if (!matches(file, rule.from) || matches(file, rule.except ?? [])) continue;
          for (const e of facts.imports) if (e.local && matches(e.to, rule.to)) v(file, `imports ${show(e)}`);
        }
        break;
      case 'never-reaches':
        for (const file of tree.keys()) {
          if (!matches(file, rule.from)) continue;
          for (const [target, chain] of reachable(tree, file)) {
            if (target !== file && matches(target, rule.to)) v(file, `reaches ${target} through ${chain.join(' -> ')}`);
          }
        }
        break;
      case 'pure': {
        const reported = new Set<string>();
        for (const root of [...tree.keys()].filter((f) => matches(f, rule.roots))) {
          for (const [file, chain] of reachable(tree, root)) {
            const facts = tree.get(file);
            if (!facts || reported.has(file)) continue;
            const via = chain.length > 1 ? ` (reached from ${chain.join(' -> ')})` : '';
            for (const e of facts.imports) {
              if (!e.local && rule.ioModules.includes(e.to)) v(file, `imports the I/O module ${show(e)}${via}`);
            }
            for (const c of facts.clockReads) v(file, `reads the clock: ${c.text} (line ${c.line})${via}`);
            reported.add(file);
          }
        }
        break;
      }
      case 'no-circles':
        for (const c of circles(tree, rule.among)) v(c[0] as string, `imports in a circle with ${c.slice(1).join(', ')}`);
        break;
    }
  }
  return out;
}

export function formatViolations(vs: readonly Violation[]): string {
  return vs.map((x) => `${x.rule}: ${x.file} ${x.what}\n  why: ${x.why}`).join('\n');
}

/** Modules that do I/O: what pure code may not import. */
const IO_MODULES = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'tls',
  'node:tls',
  'dgram',
  'node:dgram',
  'child_process',
  'node:child_process',
  'worker_threads',
  'node:worker_threads',
  'node:timers/promises',
  'better-sqlite3',
  'mqtt',
  'aedes',
  'serialport',
  '@serialport/bindings-cpp',
  'modbus-serial',
  'pino',
  'pino-pretty',
];

/** The runtime parts of the gateway: they open files, sockets and the database. */
const RUNTIME: Pattern[] = [
  'gateway/app.ts',
  'gateway/logger.ts',
  'gateway/store/',
  'gateway/publish/',
  'gateway/device/',
  'gateway/broker/',
  'gateway/clock/',
  'gateway/http/',
  'gateway/metrics/',
  'gateway/system/',
];
const PRODUCT: Pattern[] = ['vocabulary/', 'drivers/', 'gateway/', 'config/', 'cli/', 'simulators/'];

/** The rules of docs/architecture.md. */
export const RULES: readonly Rule[] = [
  {
    id: 'vocabulary-stands-alone',
    kind: 'may-import-only',
    from: ['vocabulary/'],
    allow: ['vocabulary/'],
    packages: false,
    why: 'vocabulary/ is the words everyone shares: it imports nothing, so anything may import it without a circle',
  },
  {
    id: 'drivers-import-only-vocabulary',
    kind: 'may-import-only',
    from: ['drivers/'],
    allow: ['drivers/', 'vocabulary/'],
    packages: true,
    why: 'drivers get a transport, a logger, a clock and a callback; they never see the gateway, the config or the CLI',
  },
  {
    id: 'gateway-never-imports-cli-or-simulators',
    kind: 'never-imports',
    from: ['gateway/'],
    to: ['cli/', 'simulators/', 'bench/', 'test/'],
    why: 'gateway/ is the runtime: the command line, the simulators and the tools sit on top of it, never under it',
  },
  {
    id: 'only-cli-imports-simulators',
    kind: 'never-imports',
    from: PRODUCT,
    except: ['cli/', 'simulators/'],
    to: ['simulators/'],
    why: 'a simulator is started by `sterilink simulate` or `demo`, never by the gateway, a driver or the config',
  },
  {
    id: 'simulators-import-only-vocabulary-and-steam-table',
    kind: 'may-import-only',
    from: ['simulators/'],
    allow: ['simulators/', 'vocabulary/', 'gateway/verify/steam-table.ts'],
    packages: true,
    why: 'simulators are devices: they share the contract (vocabulary/) and the physics (the pure steam table), not the gateway',
  },
  {
    id: 'config-never-reaches-the-runtime',
    kind: 'never-reaches',
    from: ['config/'],
    to: [...RUNTIME, 'cli/', 'simulators/'],
    why: 'checking a config must not open the store, the broker or a device; config/ uses only pure parts (verify presets, the load policy, profile and map linting)',
  },
  {
    id: 'pure-parts-do-no-io',
    kind: 'pure',
    ioModules: IO_MODULES,
    roots: [
      'vocabulary/',
      'gateway/verify/',
      'gateway/cycle/',
      'gateway/load/release-machine.ts',
      'gateway/load/load-assembler.ts',
      'gateway/load/load-policy.ts',
      'gateway/load/recall.ts',
      'gateway/load/cycle-facts.ts',
      'gateway/load/loaner-machine.ts',
      'gateway/load/loaner-desk.ts',
      'gateway/load/loaner-codes.ts',
      'gateway/load/loaner-policy.ts',
      'gateway/load/loaner-record.ts',
      'drivers/printer-line/parse.ts',
      'drivers/bi-reader/parse.ts',
      'drivers/modbus/parse.ts',
      'drivers/modbus/decode.ts',
      'drivers/scanner/parse.ts',
      'drivers/scanner/barcode/',
      'gateway/report/',
      'cli/preflight/deployment-targets.ts',
      'config/yaml-problem.ts',
      'config/schema-keys.ts',
    ],
    why: 'parsers, the verifier, the cycle tracker and the release machine are pure (no I/O, no clock, no logger): the clock is passed in, so they are tested without time or files',
  },
  {
    id: 'web-imports-only-web-and-the-live-wire',
    kind: 'may-import-only',
    from: ['web/'],
    allow: ['web/', 'gateway/http/live-wire.ts'],
    packages: false,
    why: 'web/ runs in the browser: it shares only the types of the live feed (gateway/http/live-wire.d.ts), never runtime code',
  },
  {
    id: 'bench-never-imports-tests',
    kind: 'never-imports',
    from: ['bench/'],
    to: ['test/'],
    why: 'npm run bench builds and ships with the product; test helpers do not',
  },
  {
    id: 'product-never-imports-tests-or-bench',
    kind: 'never-imports',
    from: PRODUCT,
    to: ['test/', 'bench/'],
    why: 'the product builds without its tests and tools',
  },
  {
    id: 'no-import-circles',
    kind: 'no-circles',
    among: [...PRODUCT, 'bench/'],
    why: 'files that import each other cannot be understood, tested or moved one at a time',
  },
];
