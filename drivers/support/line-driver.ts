// A stream driver whose device sends text lines (the printer line, the BI reader): the shared LineFramer
// cuts the bytes into lines; a line longer than `maxLineBytes` is refused as a parse-error with the
// family's overflow reason; every complete line goes to the family's parser (`line`).

import { type FramedItem, LineFramer, type LineFramerOptions } from '../transport/line-framer.js';
import { StreamDriver, type StreamDriverCounters } from './stream-driver.js';
import type { StreamDriverOptions } from './transport-session.js';

export interface LineDriverCounters extends StreamDriverCounters {
  /** Complete lines handed to the parser. */
  lines: number;
  /** Lines cut at maxLineBytes (counted apart from the parser's parse errors). */
  overflows: number;
}

export abstract class LineDriver<O extends StreamDriverOptions, C extends LineDriverCounters> extends StreamDriver<O, C> {
  protected framer: LineFramer | undefined;

  /** The parse-error reason of a line longer than `maxLineBytes`. */
  protected abstract readonly overflowReason: string;

  /** One complete line, received at `recvTs` (gateway clock). */
  protected abstract line(text: string, recvTs: number): void;

  /** Sets up the framer, then opens the transport (see StreamDriver.open). */
  protected openLines(framing: LineFramerOptions, fields: Record<string, unknown>): Promise<void> {
    this.framer = new LineFramer(framing);
    return this.open(fields);
  }

  protected receive(chunk: Buffer): void {
    if (this.framer !== undefined) this.handle(this.framer.push(chunk));
  }

  /** By default a line cut by the disconnect is parsed as it stands rather than glued to the next connection's bytes. */
  protected onLinkDown(): void {
    if (this.framer !== undefined) this.handle(this.framer.flush());
  }

  private handle(items: FramedItem[]): void {
    for (const item of items) {
      const recvTs = this.options.now();
      if (item.kind === 'overflow') {
        this.counts.overflows++;
        this.reject(this.overflowReason, item.head, recvTs, { maxLineBytes: this.framer?.maxLineBytes });
        continue;
      }
      this.counts.lines++;
      this.line(item.text, recvTs);
    }
  }
}
