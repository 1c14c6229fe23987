// Records what a Transport hands its handlers (pass `handlers` to start()): the link states and the bytes
// as latin1 text, and lets a test await a condition on them.
import type { LinkState, TransportHandlers } from '../../drivers/transport/transport.js';

export class TransportRecorder {
  readonly states: LinkState[] = [];
  text = '';
  private waiters: (() => boolean)[] = [];
  readonly handlers: TransportHandlers = {
    onData: (c: Buffer) => {
      this.text += c.toString('latin1');
      this.kick();
    },
    onLink: (s: LinkState) => {
      this.states.push(s);
      this.kick();
    },
  };

  /** Resolves once `check` holds, now or after a later callback. */
  until(check: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const w = () => (check() ? (resolve(), true) : false);
      if (!w()) this.waiters.push(w);
    });
  }

  private kick(): void {
    this.waiters = this.waiters.filter((w) => !w());
  }
}
