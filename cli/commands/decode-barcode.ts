// `sterilink decode-barcode TEXT [--json] [--today YYYY-MM-DD]`: how the gateway reads a scan (README.md).
// Exit 0 valid; 1 recognised but invalid, or unknown; 2 usage.
import { decodeBarcode, isIsoDate, showControlCharacters, symbologyName, unescapeGs, type Ymd } from '../../drivers/scanner/barcode/index.js';
import { type CommandIo, println, UsageError } from './command.js';
import { commandSpec, parseCommand } from './options.js';

export const DECODE_BARCODE_USAGE = `usage: sterilink decode-barcode TEXT [--json] [--today YYYY-MM-DD]

Shows how the gateway reads a scan: kind (gs1, hibc, operator, command, internal, unknown),
validity (check digits and characters, dates: month 00 is invalid, day 00 is the month's last day),
fields (gtin, lot, expiry as YYYY-MM-DD, serial, giai, …) and errors.

TEXT is the scan as the scanner sends it, with its AIM identifier if any (]d2 ]C1 ]Q3 ]e0 …), or
the bracketed form (01)…(17)…. Write the GS separator (FNC1) as the character 0x1D itself, or as
\\x1d, \\u001d, <GS> or {GS}. Quote TEXT in the shell; put -- before a TEXT starting with "-".
  sterilink decode-barcode ']d201095060001343521720123110ABC123<GS>2112345'
  sterilink decode-barcode '(01)04012345678901(17)271231(10)LOT123' --json
  sterilink decode-barcode '+A999123457'

--today sets the date two-digit years are read against (default: this computer's date).
Exit codes: 0 read and valid; 1 recognised but invalid, or not recognised (kind unknown); 2 usage.`;

const DECODE_BARCODE = commandSpec({
  name: 'sterilink decode-barcode',
  usage: DECODE_BARCODE_USAGE,
  options: { json: { type: 'boolean' }, today: { type: 'string' } },
  positionals: true,
});

function todayFrom(value: string | undefined): Ymd {
  if (value === undefined) {
    const now = new Date();
    return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
  }
  if (!isIsoDate(value)) throw new UsageError(`--today: expected YYYY-MM-DD, found "${value}"\n\n${DECODE_BARCODE_USAGE}`);
  const [year = 0, month = 0, day = 0] = value.split('-').map(Number);
  return { year, month, day };
}

export async function decodeBarcodeCommand(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, DECODE_BARCODE, io.argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] === undefined) {
    const hint = positionals.length > 1 ? 'one TEXT expected (quote a scan that holds spaces)\n\n' : '';
    throw new UsageError(`${hint}${DECODE_BARCODE_USAGE}`);
  }
  const decoded = decodeBarcode(unescapeGs(positionals[0]), { today: todayFrom(values.today) });
  if (values.json) println(io.stdout, JSON.stringify(decoded, null, 2));
  else {
    const rows: Array<[string, string]> = [
      ['kind', decoded.kind + (decoded.symbology ? ` (${symbologyName(decoded.symbology)}, ${decoded.symbology})` : '')],
      ['valid', decoded.valid ? 'yes' : 'no'],
      ...Object.entries(decoded.fields).map(([k, v]): [string, string] => [k, showControlCharacters(v)]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) println(io.stdout, `${k.padEnd(width)}  ${v}`);
    for (const e of decoded.errors) println(io.stdout, `error: ${showControlCharacters(e)}`);
    println(io.stdout, `raw${' '.repeat(Math.max(0, width - 3))}  ${showControlCharacters(decoded.raw)}`);
  }
  return decoded.valid ? 0 : 1;
}
