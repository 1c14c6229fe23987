// One error class for the whole project, with a code grouped by area: config., store., mqtt., verify.,
// and device. (thrown by the drivers, e.g. device.modbus.timeout, device.profile.invalid).

export class GatewayError extends Error {
  readonly code: string;
  readonly context: Record<string, unknown>;
  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
    this.context = context;
  }
}

export function isGatewayError(e: unknown, code?: string): e is GatewayError {
  return e instanceof GatewayError && (code === undefined || e.code === code || e.code.startsWith(`${code}.`));
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
