// Hands a driver's events to its owner. A throwing handler is logged and never breaks the driver's
// own flow (framing, polling, reconnecting).

import type { Logger } from 'pino';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { errorMessage } from '../../vocabulary/errors.js';

export type EmitEvent = (event: DeviceEvent) => void;

export function safeEmitter(log: Logger, onEvent: EmitEvent): EmitEvent {
  return (event) => {
    try {
      onEvent(event);
    } catch (e) {
      log.error({ err: errorMessage(e), event: event.kind }, 'event handler threw');
    }
  };
}
