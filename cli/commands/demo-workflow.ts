// The demo's scripted CSSD staff: what operators scan at AC-01's loading station and what goes into
// the BI reader, driven by the cycles the gateway records. It shows every release path on MQTT within
// a few minutes at 60x: a released tray load, a quarantined failed load (AC-02), an implant load held
// for its BI, released early by a supervisor on a class-5 indicator with a reason he scanned (a code from
// demo.yaml's release.reasons: without one the early release is refused), then recalled when its BI reads
// positive.
import type { CycleSummary } from '../../gateway/device/device-session.js';
import type { BiReaderControl, ScannerControl } from '../../simulators/index.js';
import { LoanerDemo } from './demo-loaner.js';

const GS = '\u001d';
export const DEMO_CODES = {
  operator: 'OP:DEMO1',
  supervisor: 'OP:SUP1',
  trays: [`]d20104000000000174${GS}21SET-1`, `]d20104000000000174${GS}21SET-2`],
  implant: `]d201076123450000151728123110IMPL1${GS}21S1`,
  biVial: '(01)04012345999990(17)271231(10)A2301(21)V1',
  biLot: 'A2301',
  /** A reason code of demo.yaml's release.reasons. */
  reason: 'CMD:REASON:TRAUMA',
} as const;

export class DemoWorkflow {
  private scanner: ScannerControl | null = null;
  private reader: BiReaderControl | null = null;
  private ac01Cycles = 0;
  private readonly say: (line: string) => void;
  /** The loaner set's story (demo-loaner.ts), on its own scanners and on SC-01. */
  private readonly loaner: LoanerDemo;

  constructor(say: (line: string) => void) {
    this.say = say;
    this.loaner = new LoanerDemo(say);
  }

  /** What the scanner types as soon as the gateway is connected: the trays of AC-01's next load. */
  static readonly FIRST_CODES: readonly string[] = [DEMO_CODES.operator, ...DEMO_CODES.trays];

  /** What a scanner types first: SC-01 the trays, the loaner story's scanners nothing (they wait for the story). */
  static firstCodes(scannerId: string): readonly string[] {
    return scannerId === 'SC-01' ? DemoWorkflow.FIRST_CODES : [];
  }

  attachScanner(s: ScannerControl, id = 'SC-01'): void {
    this.loaner.attachScanner(id, s);
    if (id !== 'SC-01') return;
    this.scanner = s;
    this.say("SC-01: operator DEMO1 scans two instrument trays for AC-01's next load");
  }

  attachReader(r: BiReaderControl): void {
    this.reader = r;
    this.loaner.attachReader(r);
  }

  onCycle(c: CycleSummary): void {
    this.loaner.onCycle(c);
    if (c.deviceId !== 'AC-01') return;
    this.ac01Cycles++;
    // Cycle 1 started before anyone could scan; the trays go with cycle 2, the implant load with cycle 3.
    if (this.ac01Cycles === 2) {
      this.scan('SC-01: the next AC-01 load is an implant tray with a BI vial in its process challenge device', [
        DEMO_CODES.operator,
        DEMO_CODES.implant,
        DEMO_CODES.biVial,
      ]);
    } else if (this.ac01Cycles === 3) {
      this.scan('SC-01: the implant load is held for its BI; supervisor SUP1 scans the reason TRAUMA and releases it early on a passing class-5 indicator', [
        DEMO_CODES.supervisor,
        'CMD:CI5-PASS',
        DEMO_CODES.reason,
        'CMD:EARLY-RELEASE',
      ]);
      if (this.reader) {
        this.say("BI-01: the positive control and the implant load's BI vial go into the reader (the vial will read positive: a recall follows)");
        this.reader.placeVial(1, DEMO_CODES.biLot, 'CTL-1', { control: true, result: 'positive' });
        this.reader.placeVial(2, DEMO_CODES.biLot, 'V1', { result: 'positive' });
      }
    }
  }

  private scan(what: string, codes: readonly string[]): void {
    if (!this.scanner) return;
    this.say(what);
    for (const code of codes) this.scanner.scan(code);
  }
}
