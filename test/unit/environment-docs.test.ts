// Every environment variable the product reads is in the table of docs/operations.md ("Environment
// variables"), and the table lists nothing the product no longer reads.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedVariables, envReads, productSources } from '../helpers/env-reads.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PRODUCT_DIRS = ['cli', 'config', 'gateway', 'drivers', 'simulators', 'vocabulary', 'web/src', 'deploy', 'docs/examples'];

function readsOfProduct(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  const add = (names: Set<string>, file: string) => {
    for (const n of names) where.set(n, [...(where.get(n) ?? []), path.relative(ROOT, file)]);
  };
  for (const f of productSources(ROOT, PRODUCT_DIRS)) add(envReads(fs.readFileSync(f, 'utf8')), f);
  const dockerfile = path.join(ROOT, 'Dockerfile');
  add(envReads(fs.readFileSync(dockerfile, 'utf8'), true), dockerfile);
  return where;
}

describe('environment variables', () => {
  const documented = documentedVariables(fs.readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8'));
  const reads = readsOfProduct();

  it('finds the reads it is meant to find (and would fail on a new one)', () => {
    expect(envReads("const a = process.env.STERILINK_NEW_THING ?? io.env['OTHER_ONE'];\nconst b = opts.env?.THIRD;")).toEqual(
      new Set(['STERILINK_NEW_THING', 'OTHER_ONE', 'THIRD']),
    );
    expect(envReads('ENV TZ=Etc/UTC\nHEALTHCHECK CMD curl "$HEALTH_URL"\n', true)).toEqual(new Set(['TZ', 'HEALTH_URL']));
    expect(envReads('const environment = x.envelope.Y; // env.lowercase is not a variable')).toEqual(new Set());
    expect(reads.size).toBeGreaterThanOrEqual(10); // the tree was read
    expect(documented.size).toBeGreaterThanOrEqual(10); // and the table
  });

  it('every variable the product reads is documented in docs/operations.md', () => {
    const missing = [...reads.keys()].filter((n) => !documented.has(n)).map((n) => `${n} (read in ${reads.get(n)?.join(', ')})`);
    expect(missing, 'add a row to "Environment variables" in docs/operations.md').toEqual([]);
  });

  it('every documented variable is still read somewhere', () => {
    const stale = [...documented].filter((n) => !reads.has(n));
    expect(stale, 'remove the row from docs/operations.md or read the variable').toEqual([]);
  });
});
