// A byte stream to and from one device: a serial port or a TCP connection to a serial device server.
// Transports reconnect by themselves with exponential backoff and jitter, and say so through `onLink`.

export interface LinkState {
  connected: boolean;
  error?: string;
}

export interface TransportHandlers {
  onData(chunk: Buffer): void;
  onLink(state: LinkState): void;
}

export interface Transport {
  /** Opens the link and keeps it open (reconnecting) until `stop()`. Resolves once the first attempt was made. */
  start(handlers: TransportHandlers): Promise<void>;
  write(data: Buffer | string): Promise<void>;
  /** Idempotent. */
  stop(): Promise<void>;
  readonly description: string;
}
