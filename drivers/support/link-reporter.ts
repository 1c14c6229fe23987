// A stream driver's view of its transport's link: each change is logged (up at info, down at warn with
// the error) and emitted as a `link` DeviceEvent. What the driver must do when the link drops (report or
// parse a line the disconnect cut, reset decoders) runs in `onDown`, so its events precede the link event.

import type { Logger } from 'pino';
import type { LinkState, Transport } from '../transport/transport.js';
import type { EmitEvent } from './safe-emit.js';

export interface LinkReporterOptions {
  deviceId: string;
  transport: Pick<Transport, 'description'>;
  log: Logger;
  now: () => number;
  emit: EmitEvent;
}

export class LinkReporter {
  private readonly o: LinkReporterOptions;

  constructor(options: LinkReporterOptions) {
    this.o = options;
  }

  report(state: LinkState, onDown?: () => void): void {
    const transport = this.o.transport.description;
    if (state.connected) {
      this.o.log.info({ transport }, 'link up');
    } else {
      this.o.log.warn({ transport, error: state.error }, 'link down');
      onDown?.();
    }
    this.o.emit({
      kind: 'link',
      deviceId: this.o.deviceId,
      ts: this.o.now(),
      connected: state.connected,
      ...(state.error !== undefined && { error: state.error }),
    });
  }
}
