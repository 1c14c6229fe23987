// A simulated Modbus RTU slave (or several, one per unit id, as on one RS-485 bus) on a serial port or
// one end of a socat PTY pair. Frames are cut with the RTU framer; a partial frame is dropped after a
// quiet gap, as the RTU inter-frame silence would. The port is re-opened every second if it cannot be
// opened or goes away.

import { ReopeningSerialPort } from '../shared/reopening-serial-port.js';
import { encodeRtuFrame, RtuRequestFramer } from './rtu-frame.js';
import type { Answer } from './tcp-endpoint.js';

export interface SerialEndpointOptions {
  path: string;
  baudRate: number;
  answer: Answer;
  log: (line: string) => void;
  /** Quiet time after which a partial frame is dropped. Default 200 ms: far longer than the RTU 3.5
   * characters, because a PTY on a busy machine may deliver one request in chunks that far apart, and
   * the framer resynchronises on the next request anyway. */
  gapMs?: number;
  retryMs?: number;
}

export interface SerialEndpoint {
  readonly description: string;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

export async function startSerialEndpoint(opts: SerialEndpointOptions): Promise<SerialEndpoint> {
  const description = `modbus-rtu:${opts.path}@${opts.baudRate}`;
  let gap: NodeJS.Timeout | undefined;
  const framer = new RtuRequestFramer();
  const serial = new ReopeningSerialPort({
    path: opts.path,
    baudRate: opts.baudRate,
    retryMs: opts.retryMs ?? 1000,
    description,
    log: opts.log,
    onOpen: (port) =>
      port.on('data', (chunk: Buffer) => {
        clearTimeout(gap);
        for (const item of framer.push(chunk)) {
          if (item.kind !== 'frame') continue;
          const reply = opts.answer(item.unitId, item.pdu, 'rtu');
          if (reply !== null && port.isOpen) port.write(encodeRtuFrame(item.unitId, reply.pdu, reply.corrupt));
        }
        if (framer.pending > 0) gap = setTimeout(() => framer.flush(), opts.gapMs ?? 200);
      }),
  });

  await serial.open();
  return {
    description,
    get isOpen() {
      return serial.port !== undefined;
    },
    async close() {
      clearTimeout(gap);
      await serial.close();
    },
  };
}
