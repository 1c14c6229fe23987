// The fault suite's report (issue 10): every test under test/faults/ injects one kind of fault into real
// processes (PTYs, a small tmpfs, SIGKILL, a real Mosquitto) and, besides its assertions, appends one row
// {fault, count, recordsLost, result} to test-artifacts/faults/faults.jsonl. `npm run soak` runs the same
// files with STERILINK_SOAK=1 (more repetitions, longer runs) and prints the rows as a table.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './process.js';

export interface FaultRow {
  /** What was done to the gateway, in words: "SIGKILL at a random moment during a cycle". */
  fault: string;
  /** How many times it was done. */
  count: number;
  /** Records (or cycles) that a device produced but that did not arrive or were not stored. */
  recordsLost: number;
  /** One line: what the gateway did about it. */
  result: string;
}

/** True under `npm run soak`: tests repeat their fault more often and run longer. */
export const SOAK = process.env.STERILINK_SOAK === '1';

/** `bounded` in npm test, `soak` under npm run soak. */
export function repetitions(bounded: number, soak: number): number {
  return SOAK ? soak : bounded;
}

export const FAULT_REPORT = path.join(ROOT, 'test-artifacts', 'faults', 'faults.jsonl');

/** Appends one row to the fault report (the file is per run: `npm run soak` removes it first). */
export function reportFault(row: FaultRow): void {
  fs.mkdirSync(path.dirname(FAULT_REPORT), { recursive: true });
  fs.appendFileSync(FAULT_REPORT, `${JSON.stringify({ ...row, soak: SOAK, at: new Date().toISOString() })}\n`);
}
