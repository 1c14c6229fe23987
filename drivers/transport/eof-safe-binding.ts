// serialport's own binding, with one fix: on Linux and macOS a read that returns 0 bytes (end of file:
// the USB adapter was unplugged, the PTY's other side went away) is a disconnect. The stock unixRead of
// @serialport/bindings-cpp 13 retries such reads forever, an endless async recursion that burns a core,
// grows memory and never reports the loss (serialport/bindings-cpp#162, fix proposed in #164). With
// O_NONBLOCK an idle port answers EAGAIN, never 0, so 0 can only mean the device is gone.
// Remove this file once the installed bindings stop retrying zero-byte reads.

import fs from 'node:fs';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';

export type SerialBinding = typeof SerialPort.binding;
type PortBinding = Awaited<ReturnType<SerialBinding['open']>>;
type ReadResult = { buffer: Buffer; bytesRead: number };

/** What the unix port bindings expose (public fields of LinuxPortBinding / DarwinPortBinding). */
interface UnixPort {
  fd: number | null;
  readonly isOpen: boolean;
  readonly poller: { once(event: 'readable', callback: (error: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<ReadResult>;
}

const fsRead = promisify(fs.read);
const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** The platform binding with reads that report end of file as a disconnect. Unchanged on Windows. */
export function eofSafeBinding(inner: SerialBinding = SerialPort.binding): SerialBinding {
  if (process.platform === 'win32') return inner;
  // The binding type is a union over platforms; open() is called with the options of the running one.
  const open = inner.open.bind(inner) as (options: unknown) => Promise<PortBinding>;
  const wrapped = {
    list: () => inner.list(),
    open: async (options: unknown) => {
      const port = await open(options);
      if (isUnixPort(port)) port.read = (buffer, offset, length) => readSome(port, buffer, offset, length);
      return port;
    },
  };
  return wrapped as unknown as SerialBinding;
}

function isUnixPort(port: unknown): port is UnixPort {
  const p = port as Partial<UnixPort> | null;
  return typeof p?.fd === 'number' && typeof p.poller?.once === 'function';
}

/** At least one byte; waits for the poller on EAGAIN; rejects `canceled` once the port is closed. */
async function readSome(port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<ReadResult> {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw canceled();
    let bytesRead: number;
    try {
      ({ bytesRead } = await fsRead(port.fd, buffer, offset, length, null));
    } catch (e) {
      if (!RETRY_CODES.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      if (!port.isOpen) throw canceled();
      await readable(port);
      continue;
    }
    if (bytesRead === 0) throw Object.assign(new Error('device hung up (end of file)'), { disconnect: true });
    return { buffer, bytesRead };
  }
}

function readable(port: UnixPort): Promise<void> {
  return new Promise((resolve, reject) => {
    port.poller.once('readable', (error) => (error ? reject(error) : resolve()));
  });
}

function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}
