// A config that cannot be used, with every problem found: what `check-config` prints and `run` refuses
// with. Kept apart from the schema (zod) so that a process that only receives a checked config (the
// running gateway, cli/config-check-child.ts) never loads the schema library.

export interface ConfigProblem {
  path: string;
  message: string;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('\n');
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(file: string, problems: ConfigProblem[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
