// The environment variables a source text reads: `process.env.X`, `env.X`, `env?.X`, `env['X']` in code,
// `ENV X=` and `$X` in a Dockerfile. What test/unit/environment-docs.test.ts compares with docs/operations.md.
import fs from 'node:fs';
import path from 'node:path';

const CODE = [/\benv\??\.([A-Z][A-Z0-9_]*)\b/g, /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g];
const DOCKERFILE = [/^\s*ENV\s+([A-Z][A-Z0-9_]*)[=\s]/gm, /\$\{?([A-Z][A-Z0-9_]*)/g, /\benv\.([A-Z][A-Z0-9_]*)\b/g];

/** Variable names read in `text`; `dockerfile` for a Dockerfile's syntax. */
export function envReads(text: string, dockerfile = false): Set<string> {
  const found = new Set<string>();
  for (const re of dockerfile ? DOCKERFILE : CODE) for (const m of text.matchAll(re)) if (m[1]) found.add(m[1]);
  return found;
}

/** Every source file of the product under `root`: TypeScript and JavaScript, not vendored or built. */
export function productSources(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'vendor' && e.name !== 'dist') walk(p);
      } else if (/\.(ts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const d of dirs) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  return out;
}

/** The variables listed in the first column of the "Environment variables" table of a Markdown page. */
export function documentedVariables(markdown: string): Set<string> {
  const section = markdown.split(/^## Environment variables$/m)[1]?.split(/^## /m)[0] ?? '';
  const names = new Set<string>();
  for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const first = row.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) if (m[1]) names.add(m[1]);
  }
  return names;
}
