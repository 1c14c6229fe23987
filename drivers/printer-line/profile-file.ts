// A site's own printer-line profile as a YAML file (docs/devices.md, "Adding a profile for your
// sterilizer"): the fields of PrinterLineProfile (profile.ts), plus `extends: <built-in name>` to start
// from a built-in profile and replace some of its fields. `loadPrinterProfile` takes a built-in name or a
// path; every problem is reported at once as `profile.<field>: expected …, found …`.
// Synchronous on purpose: profiles are read once, when the gateway builds its devices.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import { GatewayError } from '../../vocabulary/errors.js';
import { type PrinterLineProfile, validateProfile } from './profile.js';
import { BUILTIN_PRINTER_PROFILES } from './profiles/index.js';

export interface LoadProfileOptions {
  /** Directory a relative path is resolved against (the config file's). Default the working directory. */
  baseDir?: string;
}

/** Fields a profile file may leave out when it extends nothing. */
const EMPTY_DEFAULTS = { header: [], ignore: [], phaseMap: {}, resultMap: {} } as const;

/** A name (letters, digits, `-`, `_`) is a built-in profile; anything else is a file path. */
export function isProfileName(fileOrName: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(fileOrName);
}

/** The built-in profile `fileOrName`, or the profile in the YAML file at that path. Throws a GatewayError:
 * `device.profile.unknown` (no such built-in), `device.profile.file` (unreadable), `device.profile.invalid`. */
export function loadPrinterProfile(fileOrName: string, opts: LoadProfileOptions = {}): PrinterLineProfile {
  if (isProfileName(fileOrName)) {
    const builtin = BUILTIN_PRINTER_PROFILES[fileOrName];
    if (builtin !== undefined) return builtin;
    throw new GatewayError(
      'device.profile.unknown',
      `unknown printer-line profile "${fileOrName}" (built-in: ${Object.keys(BUILTIN_PRINTER_PROFILES).join(', ')}; or give the path of a .yaml profile file)`,
      { profile: fileOrName },
    );
  }
  const file = isAbsolute(fileOrName) ? fileOrName : resolve(opts.baseDir ?? process.cwd(), fileOrName);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'an error';
    throw new GatewayError('device.profile.file', `printer-line profile file ${file}: expected a readable file, found ${code}`, { file }, { cause: e });
  }
  return parsePrinterProfileText(text, file);
}

// The YAML parser is loaded on the first profile file only: a gateway whose devices use built-in profiles
// (most) never holds it in memory (docs/performance.md, "Memory"). yaml ships CommonJS beside ESM.
let yaml: typeof Yaml | undefined;
const parseDocument: typeof Yaml.parseDocument = (...args) => {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yaml.parseDocument(...args);
};

/** A profile from YAML (or JSON) text; `source` names it in errors. */
export function parsePrinterProfileText(text: string, source: string): PrinterLineProfile {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { prettyErrors: true });
  if (doc.errors.length > 0) {
    fail(
      source,
      doc.errors.map((e) => `profile (YAML line ${e.linePos?.[0]?.line ?? '?'}): ${e.message.split('\n')[0] ?? e.message}`),
    );
  }
  const data: unknown = doc.toJS();
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    fail(source, [`profile: expected a mapping of profile fields, found ${data === null ? 'an empty file' : typeof data}`]);
  const { extends: base, ...fields } = data as Record<string, unknown>;
  const problems: string[] = [];
  let start: object = EMPTY_DEFAULTS;
  if (base !== undefined) {
    const builtin = typeof base === 'string' ? BUILTIN_PRINTER_PROFILES[base] : undefined;
    if (builtin === undefined)
      problems.push(`profile.extends: expected a built-in profile (${Object.keys(BUILTIN_PRINTER_PROFILES).join(', ')}), found ${JSON.stringify(base)}`);
    else start = builtin;
  }
  const profile: unknown = { ...start, ...fields };
  problems.push(...validateProfile(profile).map((p) => `profile.${p.replace(/^profile(?::|\.)\s?/, '')}`));
  const name = (profile as { name?: unknown }).name;
  if (typeof name === 'string' && BUILTIN_PRINTER_PROFILES[name] !== undefined) {
    problems.push(`profile.name: expected a name no built-in profile has (use extends: ${name} and a new name), found "${name}"`);
  }
  if (problems.length > 0) fail(source, problems);
  return deepFreeze(profile as PrinterLineProfile);
}

function fail(source: string, problems: string[]): never {
  throw new GatewayError('device.profile.invalid', `printer-line profile ${source} is invalid:\n  ${problems.join('\n  ')}`, { source, problems });
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}
