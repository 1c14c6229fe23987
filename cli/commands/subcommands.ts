// Verbs made of subcommands (`db verify`, `keys rotate`, `loaner show`, `simulate washer`): the first argument
// picks one; `--help` without one prints the verb's help; a mistyped one is named with a suggestion.
import { didYouMean } from '../../vocabulary/did-you-mean.js';
import type { Command, CommandIo } from './command.js';
import { helpText, usageError } from './options.js';

export interface SubcommandSpec {
  /** e.g. `sterilink db` */
  name: string;
  usage: string;
  details?: string;
  /** Each subcommand, loaded when chosen; it gets the arguments after its name. */
  subcommands: Readonly<Record<string, () => Promise<Command>>>;
}

export async function runSubcommand(io: CommandIo, spec: SubcommandSpec): Promise<number> {
  const [sub, ...rest] = io.argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(`${helpText(spec)}\n`);
    return 0;
  }
  const names = Object.keys(spec.subcommands);
  if (sub === undefined || sub.startsWith('-')) throw usageError(spec, `expected one of ${names.join(', ')} first${sub ? `, found ${sub}` : ''}`);
  const load = Object.hasOwn(spec.subcommands, sub) ? spec.subcommands[sub] : undefined;
  if (!load) throw usageError(spec, `unknown subcommand "${sub}"${didYouMean(sub, names)}; expected one of ${names.join(', ')}`);
  return (await load())({ ...io, argv: rest });
}
