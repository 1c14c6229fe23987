// The demo's loaner set (docs/loaner-sets.md): a vendor's representative hands over loaner set LN-0042 for an
// operation due in two hours; it goes through WD-01, the packing check, AC-01 with a BI (the gateway warns: the
// operation is due before a 3 h BI can read), a supervisor releases it early on a class-5 indicator with his reason,
// its BI reads negative (the operating room's retained state confirms the release), and it goes back to the vendor,
// counted and signed by both badges. Driven by the cycles the gateway records, like demo-workflow.ts.
import type { CycleSummary } from '../../gateway/device/device-session.js';
import type { BiReaderControl, ScannerControl } from '../../simulators/index.js';
import { systemTimeZone } from '../../vocabulary/local-day.js';

export const LOANER_SCANNERS = { desk: 'SC-LN', washer: 'SC-02', sterilizer: 'SC-01' } as const;
const SET = 'LN-0042';
/** A screw of the demo's implant maker (release.implants.gtinPrefixes 0761234), counted from the count sheet. */
const SCREW = '07612345000022';
const COUNTS = [`CNT:${SCREW}:6`, 'DRILL-3', 'DRILL-3'];
const BI_VIAL = '(01)04012345999990(17)271231(10)A2301(21)V2';
/** How long the operation is due after the receipt (before a 3 h BI could read: the gateway warns). */
const DUE_IN_MS = 2 * 3600_000;

/** `DUE:YYYYMMDDHHMM` of an instant in the gateway's zone (the demo config names none: the system's). */
function dueCode(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: systemTimeZone(),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `DUE:${get('year')}${get('month')}${get('day')}${get('hour')}${get('minute')}`;
}

const carriesTheSet = (c: CycleSummary) => {
  const items = (c.record.body as { load?: { items?: { loanerSet?: string }[] } }).load?.items ?? [];
  return items.some((i) => i.loanerSet === SET);
};

export class LoanerDemo {
  private readonly scanners = new Map<string, ScannerControl>();
  private reader: BiReaderControl | null = null;
  private stage: 'waiting' | 'received' | 'packed' | 'loaded' | 'released' | 'returned' = 'waiting';
  private ac01Cycles = 0;
  private returnTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly say: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  attachScanner(id: string, s: ScannerControl): void {
    this.scanners.set(id, s);
  }

  attachReader(r: BiReaderControl): void {
    this.reader = r;
  }

  private scan(scanner: string, what: string, codes: readonly string[]): void {
    const s = this.scanners.get(scanner);
    if (!s) return;
    this.say(what);
    for (const code of codes) s.scan(code);
  }

  /** At the first recorded cycle (the gateway is connected to every scanner by then: what a scanner types before is lost). */
  private receive(): void {
    if (!this.scanners.has(LOANER_SCANNERS.desk) || !this.scanners.has(LOANER_SCANNERS.washer)) return;
    this.stage = 'received';
    this.scan(
      LOANER_SCANNERS.desk,
      `LOANER-DESK: representative V-0042 hands over loaner set ${SET} for case OP-2026-0042 (6 implant screws, 2 drills; operation in 2 h); both badges sign the receipt`,
      ['OP:DEMO1', 'VR:V-0042', 'CMD:LOANER-RECEIVE', SET, 'CASE:OP-2026-0042', ...COUNTS, dueCode(this.now() + DUE_IN_MS), 'CMD:LOANER-DONE'],
    );
    // another scanner, another line: its scan waits until the receipt is through
    setTimeout(() => this.scan(LOANER_SCANNERS.washer, `SC-02: ${SET} goes into WD-01's next wash`, ['OP:DEMO1', SET]), 3000).unref();
  }

  onCycle(c: CycleSummary): void {
    if (c.deviceId === 'AC-01') this.ac01Cycles++;
    if (this.stage === 'waiting') this.receive();
    if (this.stage === 'received' && c.deviceId === 'WD-01' && carriesTheSet(c)) {
      if (c.verdict !== 'pass') {
        this.scan(LOANER_SCANNERS.washer, `SC-02: the wash failed (${SET} is held); it goes into WD-01's next wash again`, ['OP:DEMO1', SET]);
        return;
      }
      this.stage = 'packed';
      this.scan(LOANER_SCANNERS.desk, `LOANER-DESK: packing check of ${SET}: the counts match the receipt, an internal CI goes in`, [
        'OP:DEMO1',
        'CMD:LOANER-PACK',
        SET,
        ...COUNTS,
        'CMD:LOANER-CI',
        'CMD:LOANER-DONE',
      ]);
    }
    // Into AC-01 once the release story of demo-workflow.ts has had its cycles (its recall is over by cycle 4).
    if (this.stage === 'packed' && c.deviceId === 'AC-01' && this.ac01Cycles >= 4) {
      this.stage = 'loaded';
      this.scan(
        LOANER_SCANNERS.sterilizer,
        `SC-01: ${SET} goes into AC-01's next load with a BI: an implant load; its operation is due before a 3 h BI can read (the gateway warns)`,
        ['OP:DEMO1', SET, BI_VIAL],
      );
      return;
    }
    if (this.stage === 'loaded' && c.deviceId === 'AC-01' && carriesTheSet(c)) {
      this.stage = 'released';
      this.scan(
        LOANER_SCANNERS.sterilizer,
        `SC-01: SUP1 releases ${SET} early on a passing class-5 indicator with his reason TRAUMA; the operating room reads it on …/loaner/${SET}/state`,
        ['OP:SUP1', 'CMD:CI5-PASS', 'CMD:REASON:TRAUMA', 'CMD:EARLY-RELEASE'],
      );
      this.readBi();
    }
  }

  /** The set's BI into the reader (it reads negative: the early release is confirmed), then the return. */
  private readBi(): void {
    const reader = this.reader;
    const well = reader?.freeWell();
    if (!reader || !well) return;
    this.say(`BI-01: ${SET}'s BI goes into the reader (it will read negative: the early release is confirmed)`);
    const { resultDueAt } = reader.placeVial(well, 'A2301', 'V2', { result: 'negative' });
    // the return once the reader's (simulated) clock is a minute past the result
    this.returnTimer = setInterval(() => {
      if (reader.now < resultDueAt + 60_000) return;
      if (this.returnTimer) clearInterval(this.returnTimer);
      this.stage = 'returned';
      this.scan(
        LOANER_SCANNERS.desk,
        `LOANER-DESK: ${SET} goes back to V-0042, counted and signed by both badges; \`sterilink loaner show ${SET} --data-dir <the demo's data dir>\` prints its timeline`,
        ['OP:DEMO1', 'VR:V-0042', 'CMD:LOANER-RETURN', SET, ...COUNTS, 'CMD:LOANER-DONE'],
      );
    }, 500);
    this.returnTimer.unref();
  }
}
