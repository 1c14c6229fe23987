// `sterilink programs [--json]`: the verification programs and their limits.
import { PRESETS } from '../../gateway/verify/index.js';
import { type CommandIo, println } from './command.js';
import { commandSpec, parseCommand } from './options.js';

const PROGRAMS = commandSpec({
  name: 'sterilink programs',
  usage: 'usage: sterilink programs [--json]',
  details: '  --json          the programs and every limit as JSON\nA site changes a limit or adds a program in its config (programs:, docs/verification.md).',
  options: { json: { type: 'boolean' } },
});

export async function programsCommand(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, PROGRAMS, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.json) {
    println(io.stdout, JSON.stringify(PRESETS, null, 2));
    return 0;
  }
  for (const p of Object.values(PRESETS)) {
    const { id, kind, title, ...limits } = p as unknown as Record<string, unknown>;
    println(io.stdout, `${String(id).padEnd(16)} ${String(kind).padEnd(11)} ${String(title)}`);
    println(io.stdout, `${''.padEnd(16)} ${JSON.stringify(limits)}`);
  }
  return 0;
}
