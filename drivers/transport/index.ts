// Byte transports (serial, TCP to a serial device server, in-memory pair) and the line framer.

export * from './transport.js';
export { ReconnectingTransport, REAL_TIMERS, type LinkConnection, type ConnectionCallbacks, type Opener, type Timers, type ReconnectOptions } from './reconnecting-transport.js';
export { SerialTransport, type SerialTransportOptions, type SerialParity } from './serial-transport.js';
export { TcpTransport, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_KEEPALIVE_MS, type TcpTransportOptions } from './tcp-transport.js';
export { createMemoryPair, MemoryTransport, type MemoryPair } from './memory-pair.js';
export { LineFramer, lineDecoder, DEFAULT_MAX_LINE_BYTES, DEFAULT_LINE_ENCODING, type FramedItem, type LineFramerOptions, type LineFramerStats } from './line-framer.js';
