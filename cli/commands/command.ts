// What every CLI verb gets: its arguments and the process' streams, and what it returns: an exit code.
// Exit codes: 0 ok, 1 a negative finding (verification failed, tampering found), 2 bad input or error.

export interface CommandIo {
  argv: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export type Command = (io: CommandIo) => Promise<number>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A verb could not do its work for a reason the user can fix (a bad config, no store there): the message is
 * printed as it is, without a stack, and the exit code is `exitCode` (2 unless said). */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}

export function println(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** The number given as `--name`, or `fallback` when absent; a UsageError unless it is a number >= `min`. */
export function numberOption(name: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name}: expected a number >= ${min}, found "${v}"`);
  return n;
}
