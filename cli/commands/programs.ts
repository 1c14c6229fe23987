// `sterilink programs [--json]`: the verification programs and their limits.
import { parseArgs } from 'node:util';
import { PRESETS } from '../../gateway/verify/index.js';
import { type CommandIo, println } from './command.js';

export async function programsCommand(io: CommandIo): Promise<number> {
  const { values } = parseArgs({ args: io.argv, strict: true, options: { json: { type: 'boolean' } } });
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
