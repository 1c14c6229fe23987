// The one option parser of the CLI verbs and the data-folder order the store verbs share with `run`.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/commands/command.js';
import { asksForHelp, commandSpec, parseCommand } from '../../cli/commands/options.js';
import { resolveDataDir } from '../../cli/commands/store-location.js';
import { runSubcommand } from '../../cli/commands/subcommands.js';

const SPEC = commandSpec({
  name: 'sterilink thing',
  usage: 'usage: sterilink thing FILE [--json] [--data-dir DIR]',
  details: '  --json   as JSON',
  options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, config: { type: 'string', short: 'c' } },
  positionals: true,
});

function out() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => {
    text += c.toString();
  });
  return { stream, text: () => text };
}

describe('parseCommand', () => {
  it('returns the options and positionals', () => {
    const o = out();
    expect(parseCommand({ stdout: o.stream }, SPEC, ['a.csv', '--json', '-c', 'site.yaml'])).toEqual({
      values: { json: true, config: 'site.yaml' },
      positionals: ['a.csv'],
    });
    expect(o.text()).toBe('');
  });

  it('--help or -h anywhere before --: prints usage and details, returns null', () => {
    for (const args of [['--help'], ['-h'], ['a.csv', '--bogus', '--help']]) {
      const o = out();
      expect(parseCommand({ stdout: o.stream }, SPEC, args)).toBeNull();
      expect(o.text()).toBe('usage: sterilink thing FILE [--json] [--data-dir DIR]\n\n  --json   as JSON\n');
    }
    expect(asksForHelp(['--', '--help'])).toBe(false);
  });

  it('a wrong argument is a UsageError naming it, with a suggestion and the usage', () => {
    const o = out();
    const parse = (args: string[]) => () => parseCommand({ stdout: o.stream }, SPEC, args);
    expect(parse(['--data-dri', 'x'])).toThrow(UsageError);
    expect(parse(['--data-dri', 'x'])).toThrow(/^sterilink thing: unknown option --data-dri \(did you mean "--data-dir"\?\)\nusage: sterilink thing/);
    expect(parse(['--jsno'])).toThrow(/unknown option --jsno \(did you mean "--json"\?\)/);
    expect(parse(['--frobnicate'])).toThrow(/unknown option --frobnicate\n/);
    expect(parse(['--data-dir'])).toThrow(/--data-dir needs a value/);
    expect(() => parseCommand({ stdout: o.stream }, { ...SPEC, positionals: false }, ['extra'])).toThrow(/unexpected argument "extra"/);
  });
});

describe('runSubcommand', () => {
  const spec = {
    name: 'sterilink db',
    usage: 'usage: sterilink db verify|export',
    subcommands: { verify: async () => async () => 0, export: async () => async () => 1 },
  };
  const io = (argv: string[]) => ({ argv, stdout: out().stream, stderr: out().stream, env: {} });

  it('runs the one named, suggests the one meant', async () => {
    expect(await runSubcommand(io(['export']), spec)).toBe(1);
    expect(await runSubcommand(io(['--help']), spec)).toBe(0);
    await expect(runSubcommand(io(['verfy']), spec)).rejects.toThrow(/unknown subcommand "verfy" \(did you mean "verify"\?\)/);
    await expect(runSubcommand(io([]), spec)).rejects.toThrow(/expected one of verify, export first/);
    await expect(runSubcommand(io(['toString']), spec)).rejects.toThrow(/unknown subcommand "toString"/);
  });
});

describe('resolveDataDir', () => {
  it('--data-dir, then STERILINK_DATA_DIR, then the config, then ./data', () => {
    expect(resolveDataDir('/flag', { STERILINK_DATA_DIR: '/env' }, '/cfg', '/cwd')).toBe('/flag');
    expect(resolveDataDir(undefined, { STERILINK_DATA_DIR: '/env' }, '/cfg', '/cwd')).toBe('/env');
    expect(resolveDataDir(undefined, { STERILINK_DATA_DIR: '' }, '/cfg', '/cwd')).toBe('/cfg');
    expect(resolveDataDir(undefined, {}, undefined, '/cwd')).toBe('/cwd/data');
    expect(resolveDataDir('rel', {}, undefined, '/cwd')).toBe('/cwd/rel');
  });
});
