// The codes a simulated scanner types, from a list or a script file. Pure except readScanScript.
//
// Script file: one code per line; empty lines and lines starting with `#` are skipped. Control
// characters are written as `<GS>` (0x1D, the GS1 FNC1 separator), `<RS>`, `<FS>`, `<US>`, `<EOT>`
// (ISO/IEC 15434 envelopes), or as `\x1d`-style hex escapes; a literal `<` stays as it is otherwise.

import { readFile } from 'node:fs/promises';

const NAMED: Readonly<Record<string, string>> = { GS: '\u001d', RS: '\u001e', FS: '\u001c', US: '\u001f', EOT: '\u0004' };

/** `<GS>`, `<RS>`, `<FS>`, `<US>`, `<EOT>` and `\xHH` -> the control characters they name. */
export function unescapeScan(text: string): string {
  return text
    .replace(/<(GS|RS|FS|US|EOT)>/g, (_, name: string) => NAMED[name] ?? '')
    .replace(/\\x([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function parseScanScript(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(unescapeScan);
}

export async function readScanScript(path: string): Promise<string[]> {
  return parseScanScript(await readFile(path, 'utf8'));
}

/** Scans for the demo: an operator badge, an instrument set (GS1 DataMatrix with AIM id and GS), an
 * asset, a BI vial of lot A2301, a CSSD pack label and the end-of-load command. */
export const DEFAULT_SCAN_CODES: readonly string[] = [
  'OP:0127',
  ']d201040123456789011727123110LOT123\u001d21SN0001',
  ']C180049521234IS000123',
  ']d201040123456789011727123110A2301\u001d21SN0001',
  'TRAY-0042',
  'CMD:LOAD-END',
];
