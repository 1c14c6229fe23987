// The drivers' error class. drivers/ never imports gateway/, so this mirrors GatewayError's shape
// (a code grouped by area, always `device.…`, and a context object) for the gateway to wrap or log.

export class DriverError extends Error {
  readonly code: string;
  readonly context: Record<string, unknown>;
  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DriverError';
    this.code = code;
    this.context = context;
  }
}

export function isDriverError(e: unknown, code?: string): e is DriverError {
  return e instanceof DriverError && (code === undefined || e.code === code || e.code.startsWith(`${code}.`));
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
