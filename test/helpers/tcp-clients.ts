// Clients of a simulated TCP "serial device server": each collects what it is sent as latin1 text.
import { connect, type Socket } from 'node:net';

export interface TcpClient {
  text(): string;
  closed: Promise<void>;
  connected: Promise<void>;
}

/** Clients to 127.0.0.1; `destroyAll()` (in afterEach) closes every one still open. */
export class TcpClients {
  private readonly sockets: Socket[] = [];

  /** `onData` gets the whole text so far on every chunk. */
  connect(port: number, onData?: (text: string) => void): TcpClient {
    const socket = connect(port, '127.0.0.1');
    this.sockets.push(socket);
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      onData?.(text);
    });
    return {
      text: () => text,
      closed: new Promise<void>((resolve) => socket.once('close', () => resolve())),
      connected: new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      }),
    };
  }

  destroyAll(): void {
    for (const s of this.sockets.splice(0)) s.destroy();
  }
}
