// A simulated Modbus device's TCP side: Modbus TCP (MBAP header) or RTU frames over TCP (a serial
// device server relaying a bus). Frames are cut from the stream whatever the chunking; each request
// goes to `answer`, whose reply (or silence) is sent back. `pause(ms)` drops every connection and stops
// listening for that long (the `disconnect` fault), then listens on the same port again.

import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { encodeRtuFrame, RtuRequestFramer } from './rtu-frame.js';

export type Framing = 'mbap' | 'rtu';

/** The reply PDU, or null for no reply; `corrupt` asks for a damaged frame (bad CRC / bad length). */
export type Answer = (unitId: number, pdu: Buffer, framing: Framing) => { pdu: Buffer; corrupt: boolean } | null;

export interface TcpEndpointOptions {
  framing: Framing;
  port: number;
  host?: string;
  answer: Answer;
  log: (line: string) => void;
  /** RTU over TCP: quiet time after which a partial frame is dropped. Default 200 ms. */
  rtuGapMs?: number;
}

export interface TcpEndpoint {
  readonly port: number;
  readonly description: string;
  readonly clientCount: number;
  pause(ms: number): Promise<void>;
  close(): Promise<void>;
}

const MBAP_HEADER = 7;

export async function startTcpEndpoint(opts: TcpEndpointOptions): Promise<TcpEndpoint> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = opts.port;
  let closed = false;
  let resume: NodeJS.Timeout | undefined;
  const name = opts.framing === 'mbap' ? 'modbus-tcp' : 'modbus-rtu-over-tcp';

  const listen = async (): Promise<void> => {
    const s = createServer((socket) => accept(socket));
    s.on('error', (e) => opts.log(`${name}: server error (${e.message})`));
    s.listen(port, host);
    await once(s, 'listening');
    const address = s.address();
    if (address !== null && typeof address === 'object') port = address.port;
    server = s;
  };

  const accept = (socket: Socket): void => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // the close that follows is what matters
    socket.on('close', () => sockets.delete(socket));
    if (opts.framing === 'mbap') serveMbap(socket, opts.answer);
    else serveRtu(socket, opts.answer, opts.rtuGapMs ?? 200);
  };

  const stopListening = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get description() {
      return `${name}://${host}:${port}`;
    },
    get clientCount() {
      return sockets.size;
    },
    async pause(ms) {
      if (closed) return;
      opts.log(`${name}://${host}:${port}: dropping connections and not listening for ${ms} ms (disconnect fault)`);
      await stopListening();
      clearTimeout(resume);
      resume = setTimeout(() => {
        if (closed) return;
        listen().then(
          () => opts.log(`${name}://${host}:${port}: listening again`),
          (e: unknown) => opts.log(`${name}://${host}:${port}: cannot listen again (${e instanceof Error ? e.message : String(e)})`),
        );
      }, ms);
    },
    async close() {
      closed = true;
      clearTimeout(resume);
      await stopListening();
    },
  };
}

function serveMbap(socket: Socket, answer: Answer): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= MBAP_HEADER) {
      const protocol = buf.readUInt16BE(2);
      const length = buf.readUInt16BE(4);
      if (protocol !== 0 || length < 2 || length > 254) {
        socket.destroy(); // not Modbus TCP: a real device drops such a connection
        return;
      }
      if (buf.length < 6 + length) return;
      const tid = buf.readUInt16BE(0);
      const unitId = buf[6] as number;
      const pdu = Buffer.from(buf.subarray(MBAP_HEADER, 6 + length));
      buf = buf.subarray(6 + length);
      const reply = answer(unitId, pdu, 'mbap');
      if (reply === null) continue;
      // A corrupt reply: the byte count promises one register more than the frame carries.
      const body =
        reply.corrupt && reply.pdu.length > 2
          ? Buffer.concat([reply.pdu.subarray(0, 1), Buffer.from([(reply.pdu[1] as number) + 2]), reply.pdu.subarray(2)])
          : reply.pdu;
      const head = Buffer.alloc(MBAP_HEADER);
      head.writeUInt16BE(tid, 0);
      head.writeUInt16BE(0, 2);
      head.writeUInt16BE(body.length + 1, 4);
      head[6] = unitId;
      socket.write(Buffer.concat([head, body]));
    }
  });
}

function serveRtu(socket: Socket, answer: Answer, gapMs: number): void {
  const framer = new RtuRequestFramer();
  let gap: NodeJS.Timeout | undefined;
  socket.on('close', () => clearTimeout(gap));
  socket.on('data', (chunk: Buffer) => {
    clearTimeout(gap);
    for (const item of framer.push(chunk)) {
      if (item.kind !== 'frame') continue;
      const reply = answer(item.unitId, item.pdu, 'rtu');
      if (reply !== null) socket.write(encodeRtuFrame(item.unitId, reply.pdu, reply.corrupt));
    }
    if (framer.pending > 0) gap = setTimeout(() => framer.flush(), gapMs);
  });
}
