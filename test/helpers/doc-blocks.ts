// The command blocks of a guide (docs/install.md, docs/first-device.md) with the marker each one carries:
// `<!-- test: run -->`, `<!-- test: run-until "TEXT" -->` or `<!-- test: not here (why) -->` on the line
// before its ```sh fence. A block without a marker is an error, so no command is left unaccounted for.
import fs from 'node:fs';
import path from 'node:path';
export interface Block {
  mode: 'run' | 'run-until' | 'not here';
  /** run-until: the text that says it is up; not here: the reason. */
  arg: string;
  code: string;
  line: number;
}

export function guideBlocks(md: string, file = 'the guide'): Block[] {
  const lines = md.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```sh\s*$/.test(lines[i]!)) continue;
    let j = i - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    const marker = /^\s*<!-- test: (run-until "([^"]+)"|run|not here \((.+)\)) -->\s*$/.exec(lines[j] ?? '');
    if (!marker) throw new Error(`${file}:${i + 1}: a sh block without a <!-- test: … --> marker`);
    const end = lines.findIndex((l, k) => k > i && /^\s*```\s*$/.test(l));
    const indent = /^(\s*)/.exec(lines[i]!)![1]!.length;
    const code = lines
      .slice(i + 1, end)
      .map((l) => l.slice(indent))
      .join('\n');
    const mode = marker[2] ? 'run-until' : marker[3] ? 'not here' : 'run';
    blocks.push({ mode, arg: marker[2] ?? marker[3] ?? '', code, line: i + 1 });
    i = end;
  }
  return blocks;
}

/** Bash lines that run the guide's blocks in order (the caller's script sets `WORK` and `set -e`):
 * `run` blocks as they are, `run-until` blocks started in a process group of their own (as a terminal
 * would) and Ctrl-C'd once they print their text, which must end them with status 0. */
export function guideScript(blocks: Block[], o: { file: string; work: string; prelude: string }): string[] {
  return blocks.flatMap((b, n) => {
    if (b.mode === 'not here') return [];
    const head = `echo "=== ${o.file}:${b.line}"`;
    if (b.mode === 'run') return [head, b.code];
    const file = path.join(o.work, `block-${n}.sh`);
    fs.writeFileSync(file, `set -eu\n${o.prelude}\n${b.code}\n`);
    const log = `"$WORK/block-${n}.log"`;
    return [
      head,
      `: > ${log}`,
      `setsid bash ${JSON.stringify(file)} > ${log} 2>&1 &`,
      'pid=$!',
      `for i in $(seq 1 600); do grep -q ${JSON.stringify(b.arg)} ${log} && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done`,
      `grep -q ${JSON.stringify(b.arg)} ${log} || { cat ${log}; echo "${o.file}:${b.line}: never said ${b.arg}" >&2; exit 1; }`,
      'kill -INT -- -$pid',
      `wait $pid || { cat ${log}; echo "${o.file}:${b.line}: Ctrl-C did not end it with 0" >&2; exit 1; }`,
    ];
  });
}
