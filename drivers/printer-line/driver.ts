// The printer-line driver: transport bytes -> LineFramer -> parsePrinterLine -> DeviceEvents, plus the
// link state. Garbage never stops it: each parse-error reason and the line overflow are logged once
// (warn) and counted; the events still go out so nothing is lost. Profiles whose cycles can end in
// silence (flag-segmented streams, tickets with a trailer) get a clock tick every `idleCheckMs`.

import { GatewayError } from '../../vocabulary/errors.js';
import { LineDriver } from '../support/line-driver.js';
import type { StreamDriverOptions } from '../support/transport-session.js';
import { DEFAULT_MAX_LINE_BYTES } from '../transport/line-framer.js';
import { compileProfile } from './compile-profile.js';
import {
  initialParserState,
  type PrinterParseResult,
  type PrinterParserContext,
  type PrinterParserState,
  parsePrinterLine,
  printerParserTick,
  type ResumedCycle,
  resumedParserState,
} from './parse.js';
import { needsIdleTick, type PrinterLineProfile } from './profile.js';
import { DEFAULT_PRINTER_PROFILE } from './profiles/index.js';

export const DEFAULT_ATMOSPHERIC_KPA = 101.325;
export const LINE_OVERFLOW_REASON = 'line longer than maxLineBytes';

export interface PrinterLineDriverOptions extends StreamDriverOptions {
  /** Default: the built-in `prevac-ticket`. */
  profile?: PrinterLineProfile;
  /** Site mean barometric pressure, for gauge -> absolute. Default 101.325. */
  atmosphericKpa?: number;
  /** Overrides the profile's encoding. */
  encoding?: string;
  /** Default 4096. */
  maxLineBytes?: number;
  /** Minutes east of UTC of the sterilizer's clock; default the process's local time zone. */
  tzOffsetMinutes?: number;
  /** Silence (gateway clock, ms) that ends a flag-segmented cycle; default the profile's idleGapS. Only an
   * accelerated simulator needs it: at `speed`× its pauses are `speed` times shorter. */
  idleAfterMs?: number;
  /** How often the clock tick looks for silence, ms. Default 1000. */
  idleCheckMs?: number;
  /** A cycle the gateway resumed after a restart: the lines that follow are read as its ticket's body. */
  resume?: ResumedCycle;
}

export interface PrinterLineCounters {
  bytes: number;
  /** Complete lines handed to the parser. */
  lines: number;
  /** parse-error events from the parser (overflows are counted apart). */
  parseErrors: number;
  /** Lines cut at maxLineBytes. */
  overflows: number;
}

export class PrinterLineDriver extends LineDriver<PrinterLineDriverOptions, PrinterLineCounters> {
  protected readonly overflowReason = LINE_OVERFLOW_REASON;
  private readonly profile: PrinterLineProfile;
  private state: PrinterParserState = initialParserState();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(options: PrinterLineDriverOptions) {
    super(options, 'printer-line', 'unparsed line', { bytes: 0, lines: 0, parseErrors: 0, overflows: 0 });
    this.profile = options.profile ?? DEFAULT_PRINTER_PROFILE;
  }

  /** Validates the profile and settings (throws a GatewayError naming the problem), then opens the transport. */
  async start(): Promise<void> {
    if (this.started) return;
    compileProfile(this.profile);
    const atm = this.options.atmosphericKpa ?? DEFAULT_ATMOSPHERIC_KPA;
    if (!(atm > 0 && atm < 200)) {
      throw new GatewayError('device.config.atmospheric', `atmosphericKpa must be a pressure in kPa, found ${atm}`, { deviceId: this.options.deviceId });
    }
    const resume = this.options.resume;
    if (resume !== undefined) {
      this.state = resumedParserState(resume, this.profile, { since: this.options.now(), tzOffsetMinutes: this.options.tzOffsetMinutes });
      this.log.info({ cycleNo: resume.cycleNo, phase: resume.phase }, 'reading the line as the body of the resumed cycle');
    }
    if (needsIdleTick(this.profile)) {
      // The stream may already be mid-cycle: until a silence shows otherwise, no cycle-start is invented.
      if (resume === undefined) this.state = initialParserState({ since: this.options.now() });
      this.idleTimer = setInterval(() => this.tick(), this.options.idleCheckMs ?? 1000);
      this.idleTimer.unref();
    }
    await this.openLines(
      { maxLineBytes: this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, encoding: this.options.encoding ?? this.profile.encoding },
      { profile: this.profile.name },
    );
  }

  override stop(): Promise<void> {
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
    return super.stop();
  }

  protected line(text: string, recvTs: number): void {
    this.apply(parsePrinterLine(this.state, text, this.context(recvTs)));
  }

  private tick(): void {
    if (this.session.stopped) return;
    this.apply(printerParserTick(this.state, this.context(this.options.now())));
  }

  private apply({ state, events }: PrinterParseResult): void {
    this.state = state;
    for (const event of events) {
      if (event.kind === 'parse-error') this.countParseError(event.reason, event.raw);
      this.emit(event);
    }
  }

  private context(recvTs: number): PrinterParserContext {
    return {
      deviceId: this.options.deviceId,
      recvTs,
      atmosphericKpa: this.options.atmosphericKpa ?? DEFAULT_ATMOSPHERIC_KPA,
      profile: this.profile,
      ...(this.options.tzOffsetMinutes !== undefined && { tzOffsetMinutes: this.options.tzOffsetMinutes }),
      ...(this.options.idleAfterMs !== undefined && { idleAfterMs: this.options.idleAfterMs }),
    };
  }
}
