// A YAML syntax error as a config problem that points at the line and column to fix. The yaml library reports
// a key indented too deep ("  url: x\n   clientId: y") at the value above it ("Nested mappings are not allowed
// in compact mappings", line of `url`): here it is moved to the line that is indented wrong. Pure.
import type { YAMLError } from 'yaml';
import type { ConfigProblem } from './config-problem.js';

/** Codes the library reports at the line above the over-indented one. */
const REPORTED_ABOVE = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');

/** The library's message without its own "at line L, column C:" and the source excerpt after it. */
function plainMessage(e: Pick<YAMLError, 'message'>): string {
  const first = e.message.split('\n')[0] ?? e.message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/** Codes that mean a line's indentation is wrong. */
const INDENTATION = new Set(['BAD_INDENT', 'MISSING_CHAR', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'UNEXPECTED_TOKEN']);

/**
 * The first YAML error as a problem at `(YAML line L, column C)`: the over-indented line when that is the cause,
 * and the first character of the line when the library points into its leading spaces. Only the first: after an
 * indentation mistake the parser is lost, and its further errors name lines that are fine.
 */
export function yamlProblems(errors: readonly Pick<YAMLError, 'code' | 'message' | 'linePos'>[], text: string): ConfigProblem[] {
  const e = errors[0];
  if (!e) return [];
  const lines = text.split(/\r?\n/);
  let line = e.linePos?.[0]?.line;
  let col = e.linePos?.[0]?.col;
  let message = plainMessage(e);
  if (line !== undefined && REPORTED_ABOVE.has(e.code)) {
    const above = lines[line - 1] ?? '';
    let next = line; // 0-based index of the line after `line`
    while (next < lines.length && !isContent(lines[next] ?? '')) next++;
    const wrong = lines[next];
    if (wrong !== undefined && indentOf(wrong) > indentOf(above)) {
      const key = wrong.trim().split(':')[0];
      message = `"${key}" is indented deeper than "${above.trim().split(':')[0]}" on line ${line} above it: indent it like the keys it belongs with`;
      line = next + 1;
      col = indentOf(wrong) + 1;
    }
  } else if (line !== undefined && col !== undefined && INDENTATION.has(e.code)) {
    // reported at a blank or comment line before it: the mistake is on the next line with content
    let at = line - 1;
    while (at < lines.length - 1 && !isContent(lines[at] ?? '')) at++;
    if (at !== line - 1) {
      line = at + 1;
      col = 1;
    }
    const indent = indentOf(lines[line - 1] ?? '');
    if (col <= indent) {
      col = indent + 1; // the library points at the line's start; the mistake is where its text begins
      message = `${message}; check this line's indentation (${indent} space${indent === 1 ? '' : 's'}) against the lines above`;
    }
  }
  return [{ path: line === undefined ? '(YAML)' : `(YAML line ${line}${col !== undefined ? `, column ${col}` : ''})`, message }];
}
