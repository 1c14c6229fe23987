// Reading a Dockerfile enough to run its image's command line outside Docker (no engine here): stages,
// instructions with their line continuations joined, JSON (exec form) arguments parsed.
export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot read ${JSON.stringify(line)}`);
    const op = m[1]!.toUpperCase();
    const args = m[2]!.replace(/\s+/g, ' ').trim();
    if (op === 'FROM') {
      const f = /^(\S+)(?: AS (\S+))?$/i.exec(args);
      stages.push({ from: f![1]!, ...(f![2] ? { name: f![2] } : {}), instructions: [] });
    } else {
      const stage = stages[stages.length - 1];
      if (!stage) throw new Error(`Dockerfile: ${op} before FROM`);
      stage.instructions.push({ op, args });
    }
  }
  return stages;
}

export const all = (s: Stage, op: string) => s.instructions.filter((i) => i.op === op).map((i) => i.args);
export const last = (s: Stage, op: string) => all(s, op).at(-1);

/** ENV KEY=VALUE (one or more per line). */
export function env(s: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of all(s, 'ENV')) for (const m of a.matchAll(/(\w+)=("[^"]*"|\S+)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

/** An exec-form argument list: ["node", "x.js"]. */
export function execForm(args: string | undefined): string[] {
  if (!args?.startsWith('[')) throw new Error(`expected exec form ["…"], found ${String(args)}`);
  return JSON.parse(args) as string[];
}
