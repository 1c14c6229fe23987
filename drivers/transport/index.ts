// Byte transports (serial, TCP to a serial device server, in-memory pair) and the line framer.

export {
  DEFAULT_LINE_ENCODING,
  DEFAULT_MAX_LINE_BYTES,
  type FramedItem,
  LineFramer,
  type LineFramerOptions,
  type LineFramerStats,
  lineDecoder,
} from './line-framer.js';
export { createMemoryPair, type MemoryPair, MemoryTransport } from './memory-pair.js';
export {
  type ConnectionCallbacks,
  type LinkConnection,
  type Opener,
  REAL_TIMERS,
  ReconnectingTransport,
  type ReconnectOptions,
  type Timers,
} from './reconnecting-transport.js';
export { type SerialParity, SerialTransport, type SerialTransportOptions } from './serial-transport.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_KEEPALIVE_MS, TcpTransport, type TcpTransportOptions } from './tcp-transport.js';
export * from './transport.js';
