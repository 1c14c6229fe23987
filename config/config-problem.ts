// Turns schema issues and cross-field checks into the lines `check-config` prints:
// `path.to.field: expected …, found …`.
import type { z } from 'zod';
import { closestMatch, didYouMean } from '../vocabulary/did-you-mean.js';
import type { ConfigProblem } from './config-error.js';
import { keysAt } from './schema-keys.js';

export type { ConfigProblem } from './config-error.js';
export { formatProblems } from './config-error.js';

export function pathString(path: readonly PropertyKey[]): string {
  if (!path.length) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** `issue` as a config problem; with `schema`, a mistyped key or value gets a suggestion ("did you mean …"). */
export function problemFromIssue(issue: z.core.$ZodIssue, schema?: z.ZodType): ConfigProblem {
  const path = pathString(issue.path);
  // A URL may carry user:password@: never echo it back
  const input =
    'input' in issue && typeof issue.input === 'string' ? issue.input.replace(/\/\/[^@/]*@/, '//[redacted]@') : 'input' in issue ? issue.input : undefined;
  const found = 'input' in issue ? shown(input) : 'nothing';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schema ? keysAt(schema, issue.path) : [];
      const meant = issue.keys.map((k) => [k, closestMatch(k, known)] as const).filter(([, m]) => m !== null);
      const hint = meant.length ? `did you mean ${meant.map(([k, m]) => (issue.keys.length > 1 ? `"${m}" for ${k}` : `"${m}"`)).join(', ')}? ` : '';
      return {
        path: issue.keys.length === 1 ? pathString([...issue.path, issue.keys[0] as string]) : path,
        message: `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''} (${hint || 'check the spelling; '}see config/examples/site.example.yaml)`,
      };
    }
    case 'invalid_type':
      return { path, message: `expected ${issue.expected}, found ${found}` };
    case 'invalid_value':
      return {
        path,
        message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${found}${typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : ''}`,
      };
    case 'invalid_format':
      return { path, message: `expected ${issue.message.replace(/^Invalid string: /, '')}, found ${found}` };
    case 'too_small':
      return {
        path,
        message: `expected ${issue.origin === 'string' ? `at least ${String(issue.minimum)} characters` : `>= ${String(issue.minimum)}`}, found ${found}`,
      };
    case 'too_big':
      return { path, message: `expected <= ${String(issue.maximum)}, found ${found}` };
    default:
      return { path, message: `${issue.message}, found ${found}` };
  }
}
