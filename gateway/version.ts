// The gateway's version, from package.json (published in the retained status). Looked up from both
// the compiled layout (dist/gateway/) and the source layout (gateway/, under vitest).
import fs from 'node:fs';

function readVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sterilink' && pkg.version) return pkg.version;
    } catch {
      // not at this level; try the next one
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
