// Command barcodes: printed action codes and operator badges, so operators never touch a keyboard
// (reference: cssd-devices.md §2.5). The set is data: a site may map its existing printed codes.
// One vocabulary: every command a station acts on (docs/devices.md, "Station commands") is in the default
// set, so `sterilink decode-barcode` reads a scan exactly as a station does.

/** The actions the load workflow understands: indicator results (CI, class 5, Bowie–Dick sheet), the early
 * release, the load's end or cancellation, a positive-control vial next, an implant mark, and the hand-overs of a
 * loaner set at a loaner desk (receipt, packing check, return, resolving a count hold, the internal CI, done). */
export const DEFAULT_COMMAND_NAMES = [
  'CI-PASS',
  'CI-FAIL',
  'CI5-PASS',
  'CI5-FAIL',
  'BD-PASS',
  'BD-FAIL',
  'EARLY-RELEASE',
  'CANCEL',
  'LOAD-END',
  'BI-CONTROL',
  'IMPLANT',
  'LOANER-RECEIVE',
  'LOANER-PACK',
  'LOANER-RETURN',
  'LOANER-RESOLVE',
  'LOANER-CI',
  'LOANER-DONE',
] as const;

/** A reason command: `CMD:REASON:<CODE>` reads as the command `REASON:<CODE>` (gateway/load/README.md). Whether the code is one
 * of the site's `release.reasons` is the station's judgement; the decoder checks only its shape. */
export const REASON_COMMAND_PREFIX = 'REASON:';

/** What a reason code may look like (it is printed in a barcode: upper case, digits, `_`, `-`; at most 32). */
export const REASON_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

export interface CommandSet {
  /** A scan starting with this is an operator badge; the rest is the operator id. */
  operatorPrefix: string;
  /** What an operator id may look like. */
  operatorId: RegExp;
  /** Exact scanned text -> command name, e.g. `CMD:LOAD-END` -> `LOAD-END`. */
  commands: Readonly<Record<string, string>>;
  /** A scan starting with this that is not in `commands` is read as an unknown command (invalid). */
  commandPrefix?: string;
}

export const DEFAULT_COMMAND_SET: CommandSet = {
  operatorPrefix: 'OP:',
  operatorId: /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/,
  commands: Object.fromEntries(DEFAULT_COMMAND_NAMES.map((name) => [`CMD:${name}`, name])),
  commandPrefix: 'CMD:',
};

export type CommandReading =
  | { kind: 'operator'; fields: { operator: string }; errors: string[] }
  | { kind: 'command'; fields: { command: string }; errors: string[] };

/** The scan as a badge or command, or undefined when it is neither. */
export function readCommand(data: string, set: CommandSet): CommandReading | undefined {
  const command = Object.hasOwn(set.commands, data) ? set.commands[data] : undefined;
  if (command !== undefined) return { kind: 'command', fields: { command }, errors: [] };
  if (set.operatorPrefix !== '' && data.startsWith(set.operatorPrefix)) {
    const id = data.slice(set.operatorPrefix.length);
    const errors = set.operatorId.test(id) ? [] : [`operator id ${JSON.stringify(id)} does not match ${String(set.operatorId)}`];
    return { kind: 'operator', fields: { operator: id }, errors };
  }
  if (set.commandPrefix && data.startsWith(set.commandPrefix + REASON_COMMAND_PREFIX)) {
    const code = data.slice(set.commandPrefix.length + REASON_COMMAND_PREFIX.length);
    const errors = REASON_CODE.test(code) ? [] : [`reason code ${JSON.stringify(code)} is not 1 to 32 of A-Z, 0-9, "_", "-" starting with a letter or digit`];
    return { kind: 'command', fields: { command: `${REASON_COMMAND_PREFIX}${code}` }, errors };
  }
  if (set.commandPrefix && data.startsWith(set.commandPrefix)) {
    const name = data.slice(set.commandPrefix.length);
    const known = [...new Set(Object.values(set.commands))].join(', ');
    return { kind: 'command', fields: { command: name }, errors: [`unknown command ${JSON.stringify(name)} (known: ${known})`] };
  }
  return undefined;
}
