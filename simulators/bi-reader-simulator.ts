// The simulated rapid-readout BI reader (`sterilink simulate bi-reader`): prints the BI-reader line
// protocol (docs/devices.md, "BI readers") to a serial port/PTY and/or a TCP "serial device server",
// paced at `speed` simulated seconds per real second. The reader's clock is startTime + elapsed × speed
// and every line prints it, so an accelerated 24-minute incubation reads as 24 minutes at the gateway.
//
// Vials come from a script (default: a positive control, a negative vial and an early removal, one lot),
// played `rounds` times, and from placeVial() on the handle given to `onReady`, which the demo calls
// in-process when it "places" the BI of a load. Output nobody listens to is dropped (byte-output.ts).

import { type BiResultWord, readerLine, withChecksum } from './bi/bi-line-writer.js';
import { type BiReaderModelSettings, type BiScriptStep, DEFAULT_BI_SCRIPT, type EarlyRemoval, type TimedLine, vialLines } from './bi/bi-reader-model.js';
import { junkLine } from './output/garbage.js';
import { createLineOutputs, FLUSH_TIMEOUT_MS, type LineRunOptions } from './output/line-outputs.js';
import { sleepUntil } from './shared/pace.js';
import { createPrng } from './shared/prng.js';

export { type BiScriptStep, type BiVialPlan, DEFAULT_BI_SCRIPT, type EarlyRemoval } from './bi/bi-reader-model.js';

export interface PlaceVialOptions {
  /** Default `positive` for a control, else `negative`. */
  result?: BiResultWord;
  control?: boolean;
  product?: string;
  removeEarly?: boolean | EarlyRemoval;
}

/** The running reader, for in-process callers (the demo, tests). */
export interface BiReaderControl {
  /** Places a vial now (simulated clock): prints START at once and its result when due. Throws if the
   * well still holds a vial or a value would break the protocol. Returns when the final line is due. */
  placeVial(well: number | string, lot: string, vial?: string, opts?: PlaceVialOptions): { resultDueAt: number };
  /** A well with nothing pending, lowest number first; undefined when all `wells` are busy. */
  freeWell(): string | undefined;
  /** The reader's (simulated) clock, ms since the epoch. */
  readonly now: number;
}

export interface BiReaderSimulatorOptions extends LineRunOptions<{ reader: BiReaderControl }> {
  /** Simulated seconds per real second. */
  speed: number;
  /** Readout time, minutes. Default 24 (3M 1492V on an Attest 490). */
  incubationMin?: number;
  /** Default `1492V`. */
  product?: string;
  /** Default `SUPER-RAPID`. */
  program?: string;
  /** Vials to place, `atS` simulated seconds into each round. Default DEFAULT_BI_SCRIPT; `[]` for none. */
  script?: readonly BiScriptStep[];
  /** Times the script is played. Default 1; 0 = until `signal` aborts. */
  rounds?: number;
  /** Simulated seconds between the end of a round and the next. Default 300. */
  pauseBetweenS?: number;
  /** Keep running after the script (for placeVial) until `signal` aborts. Default false. */
  keepRunning?: boolean;
  /** The reader clock at start, ms since the epoch. Default now. */
  startTime?: number;
  /** Default `490-SIM-0001`. */
  readerId?: string;
  /** Default 12. */
  wells?: number;
  /** Append ` *HH` checksums. Default true. */
  checksum?: boolean;
  /** Line noise between records, and once a 5000-byte junk line. Default false. */
  garbage?: boolean;
  /** Seed of the garbage. Default 1. */
  seed?: number;
}

const CRLF = '\r\n';
const LOT = /^[A-Za-z0-9._/-]{1,20}$/;
const NAME = /^[A-Za-z0-9._/+-]{1,32}$/;
const WELL = /^[A-Za-z0-9-]{1,8}$/;

export async function runBiReaderSimulator(opts: BiReaderSimulatorOptions): Promise<void> {
  const speed = opts.speed;
  if (!(speed > 0 && Number.isFinite(speed))) throw new Error(`speed must be a positive number of simulated seconds per second, got ${speed}`);
  const rounds = opts.rounds ?? 1;
  if (!Number.isInteger(rounds) || rounds < 0) throw new Error(`rounds must be a non-negative integer (0 = forever), got ${rounds}`);
  const wells = opts.wells ?? 12;
  if (!Number.isInteger(wells) || wells < 1 || wells > 99) throw new Error(`wells must be 1..99, got ${wells}`);
  const settings: BiReaderModelSettings = {
    incubationMin: opts.incubationMin ?? 24,
    product: opts.product ?? '1492V',
    program: opts.program ?? 'SUPER-RAPID',
    positiveAtFraction: 0.5,
    checksum: opts.checksum ?? true,
  };
  if (!(Number.isInteger(settings.incubationMin) && settings.incubationMin >= 1 && settings.incubationMin <= 10_080)) {
    throw new Error(`incubationMin must be a whole number of minutes 1..10080, got ${settings.incubationMin}`);
  }
  if (!NAME.test(settings.product) || !NAME.test(settings.program)) throw new Error('product and program: 1-32 letters, digits or . _ / + -');
  const script = opts.script ?? DEFAULT_BI_SCRIPT;
  for (const step of script) checkPlan(step.well, step.lot, step.vial, step.product);
  if (script.length === 0 && rounds === 0) throw new Error('rounds 0 (forever) needs a script');
  const log = opts.log ?? (() => undefined);
  const rng = createPrng(opts.seed ?? 1);
  const startTime = opts.startTime ?? Date.now();
  const readerId = opts.readerId ?? '490-SIM-0001';
  const pauseMs = (opts.pauseBetweenS ?? 300) * 1000;

  const out = createLineOutputs(opts, log);
  /** Lines due, in time order; `scripted` ones belong to the current script round. */
  const queue: Array<TimedLine & { scripted: boolean }> = [];
  /** Real time at which the reader clock showed `startTime`; the clock stands still until the run starts. */
  let realStart: number | undefined;
  let wake = new AbortController();
  let longLineSent = false;
  const simNow = (): number => (realStart === undefined ? startTime : startTime + (performance.now() - realStart) * speed);
  const realAt = (ms: number): number => (realStart ?? performance.now()) + (ms - startTime) / speed;
  const insert = (lines: readonly TimedLine[], scripted: boolean): void => {
    for (const line of lines) {
      const l = { ...line, scripted };
      let i = queue.length;
      while (i > 0 && (queue[i - 1]?.atMs ?? 0) > l.atMs) i--;
      queue.splice(i, 0, l);
    }
    wake.abort();
  };
  const busy = (well: string): boolean => queue.some((l) => l.well === well);

  const reader: BiReaderControl = {
    placeVial(well, lot, vial, o = {}) {
      const w = String(well);
      checkPlan(w, lot, vial, o.product);
      if (busy(w)) throw new Error(`well ${w} still holds a vial`);
      const lines = vialLines(simNow(), { well: w, lot, ...(vial !== undefined && { vial }), ...o }, settings);
      insert(lines, false);
      log(`bi-reader ${readerId}: vial ${vial ?? '(no serial)'} of lot ${lot} placed in well ${w}${o.control ? ' (positive control)' : ''}`);
      return { resultDueAt: lines[lines.length - 1]?.atMs ?? simNow() };
    },
    freeWell() {
      for (let w = 1; w <= wells; w++) if (!busy(String(w))) return String(w);
      return undefined;
    },
    get now() {
      return simNow();
    },
  };

  let round = 0;
  let roundLines = 0;
  const scheduleRound = (atMs: number): void => {
    round++;
    const lines = script.flatMap((step) => vialLines(atMs + step.atS * 1000, step, settings));
    roundLines = lines.length;
    insert(lines, true);
    if (lines.length > 0) log(`bi-reader ${readerId}: round ${round}: ${script.length} vial(s) from simulated ${new Date(atMs).toISOString()}`);
  };
  const send = (text: string): void => {
    if (opts.garbage && rng.next() < 0.25) {
      if (!longLineSent) {
        longLineSent = true;
        out.write(Buffer.from(`${'#'.repeat(5000)}${CRLF}`, 'latin1'));
      } else {
        out.write(junkLine(rng));
      }
    }
    out.write(Buffer.from(text + CRLF, 'latin1'));
  };

  try {
    await out.start();
    const tcpPort = out.tcpPort;
    await opts.onReady?.({ ...(tcpPort !== undefined ? { tcpPort } : {}), outputs: out.descriptions, reader });
    if (opts.waitForClient && !(await out.waitForClient(opts.signal))) return;
    realStart = performance.now();
    log(`bi-reader ${readerId}: ${settings.product} ${settings.incubationMin} min, ${wells} wells, speed ${speed}x -> ${out.descriptions.join(', ')}`);
    const hello = readerLine({ id: readerId, model: 'ATTEST-490-SIM', wells, firmware: '4.0.2' });
    send(settings.checksum ? withChecksum(hello) : hello);
    if (script.length > 0) scheduleRound(startTime);

    while (!opts.signal?.aborted) {
      const next = queue[0];
      if (next === undefined) {
        const more = rounds === 0 || round < rounds;
        if (script.length > 0 && more) {
          scheduleRound(simNow() + pauseMs);
          continue;
        }
        if (!opts.keepRunning) break;
      }
      wake = new AbortController();
      const signals = [wake.signal, ...(opts.signal ? [opts.signal] : [])];
      if (next === undefined) await untilAborted(AbortSignal.any(signals));
      else if (!(await sleepUntil(realAt(next.atMs), AbortSignal.any(signals)))) continue;
      else {
        const due = queue.shift();
        if (due === undefined) continue;
        send(due.text);
        if (due.scripted && --roundLines === 0) log(`bi-reader ${readerId}: round ${round} read out`);
      }
    }
    await out.flush(FLUSH_TIMEOUT_MS);
  } finally {
    await out.close();
  }
}

function checkPlan(well: number | string, lot: string, vial: string | undefined, product: string | undefined): void {
  if (!WELL.test(String(well))) throw new Error(`well "${String(well)}": 1-8 letters, digits or -`);
  if (!LOT.test(lot)) throw new Error(`lot "${lot}": 1-20 letters, digits or . _ / -`);
  if (vial !== undefined && !NAME.test(vial)) throw new Error(`vial "${vial}": 1-32 letters, digits or . _ / + -`);
  if (product !== undefined && !NAME.test(product)) throw new Error(`product "${product}": 1-32 letters, digits or . _ / + -`);
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
