// The one way a verb reads its arguments: node:util parseArgs (strict), plus what every verb does the same:
// `--help`/`-h` prints the verb's help on stdout (exit 0), and a wrong argument is a UsageError that names it,
// suggests the option meant ("did you mean --data-dir?") and shows the usage.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { didYouMean } from '../../vocabulary/did-you-mean.js';
import { type CommandIo, println, UsageError } from './command.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

export interface CommandSpec<O extends OptionSpecs> {
  /** The command as typed, e.g. `sterilink db verify`: starts every error message. */
  name: string;
  /** The usage line(s): shown with `--help` and with every usage error. */
  usage: string;
  /** What follows the usage in `--help`: the options explained, exit codes. */
  details?: string;
  options: O;
  /** Whether the verb takes positional arguments (TRACE.csv, a set id, …). */
  positionals?: boolean;
}

type Config<O extends OptionSpecs> = { args: string[]; options: O & typeof HELP_OPTION; strict: true; allowPositionals: true };
export type OptionValues<O extends OptionSpecs> = ReturnType<typeof parseArgs<Config<O>>>['values'];

export interface ParsedCommand<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
}

/** A verb's spec, its option types kept literal (so `values.json` is a boolean, `values.seq` a string). */
export function commandSpec<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** The full help text of a verb. */
export function helpText(spec: { usage: string; details?: string }): string {
  return spec.details ? `${spec.usage}\n\n${spec.details}` : spec.usage;
}

/** A UsageError for `spec`: the problem, then the usage and where the full help is. */
export function usageError(spec: { name: string; usage: string }, problem: string): UsageError {
  return new UsageError(`${spec.name}: ${problem}\n${spec.usage}\n(${spec.name} --help for more)`);
}

/** `--help` or `-h` before any `--` (after it, they are positional arguments). */
export function asksForHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** The names an option can be given by: `--name`, and `-x` for a short one. */
function optionNames(options: OptionSpecs): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** parseArgs' error message as the user's problem, with a suggestion for a mistyped option. */
export function explainParseError(e: Error & { code?: string }, options: OptionSpecs): string {
  const unknown = /^Unknown option '([^']+)'/.exec(e.message);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown?.[1]) {
    const given = unknown[1].split('=')[0] ?? unknown[1];
    const hint = didYouMean(given, optionNames(options));
    return `unknown option ${given}${hint}`;
  }
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(e.message);
  if (missing) return `${missing[1]} needs a value`;
  const positional = /^Unexpected argument '([^']*)'/.exec(e.message);
  if (positional) return `unexpected argument "${positional[1]}"`;
  return e.message.split('. ')[0] ?? e.message;
}

/**
 * The verb's options and positional arguments, or null when `--help` was asked for (the help was printed:
 * the verb returns 0). Throws a UsageError for an unknown option, a missing value, or an unexpected argument.
 */
export function parseCommand<O extends OptionSpecs>(io: Pick<CommandIo, 'stdout'>, spec: CommandSpec<O>, args: string[]): ParsedCommand<O> | null {
  if (asksForHelp(args)) {
    println(io.stdout, helpText(spec));
    return null;
  }
  const options = { ...spec.options, ...HELP_OPTION };
  let parsed: ReturnType<typeof parseArgs<Config<O>>>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true }) as ReturnType<typeof parseArgs<Config<O>>>;
  } catch (e) {
    throw usageError(spec, explainParseError(e as Error, spec.options));
  }
  if (!spec.positionals && parsed.positionals.length) throw usageError(spec, `unexpected argument "${parsed.positionals[0]}"`);
  return { values: parsed.values, positionals: parsed.positionals };
}
