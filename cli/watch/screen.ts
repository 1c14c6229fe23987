// The live screen on a terminal: the alternate screen with the cursor hidden while watching, each
// frame drawn over the last in place (home, line, clear to end of line, …, clear below: no flicker,
// little traffic over SSH), and the terminal given back as it was on every way out: stop(), a signal
// handled by the caller, or the process exiting for any other reason (a synchronous last resort).
import fs from 'node:fs';

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE = '\x1b[0m\x1b[?25h\x1b[?1049l';

export class LiveScreen {
  private active = false;
  private readonly onExit = () => this.restoreSync();

  constructor(private readonly out: NodeJS.WritableStream & { fd?: number }) {}

  enter(): void {
    if (this.active) return;
    this.active = true;
    process.on('exit', this.onExit);
    this.out.write(ENTER);
  }

  /** Draws a frame (lines separated by '\n', already fitted to the terminal). */
  draw(frame: string): void {
    if (!this.active) return;
    this.out.write(`\x1b[H${frame.split('\n').join('\x1b[K\r\n')}\x1b[K\x1b[J`);
  }

  /** Shows the cursor and leaves the alternate screen; resolves when written. */
  async leave(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    process.off('exit', this.onExit);
    await new Promise<void>((resolve) => this.out.write(LEAVE, () => resolve()));
  }

  private restoreSync(): void {
    if (!this.active) return;
    this.active = false;
    try {
      fs.writeSync(this.out.fd ?? 1, LEAVE);
    } catch {
      // the terminal is gone (SSH dropped): nothing left to restore
    }
  }
}
