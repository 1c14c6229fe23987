// The replay command's wire format (`…/cmd/replay` in, `…/reply/replay` out): pure parsing, no I/O.

/** Most records one request republishes; the reply says so and where to continue. */
export const REPLAY_LIMIT = 10_000;
/** Requests larger than this are refused unread. */
export const MAX_REQUEST_BYTES = 4096;
const MAX_TRANSACTION_LENGTH = 256;

export type Transaction = string | number;

export interface ReplayRequest {
  fromSeq: number;
  /** Inclusive; null = up to the newest record. */
  toSeq: number | null;
  transaction?: Transaction;
}

export type ParsedReplay = { ok: true; request: ReplayRequest } | { ok: false; error: string; transaction?: Transaction };

export interface ReplayDone {
  transaction?: Transaction;
  ok: true;
  fromSeq: number;
  /** The last seq this reply covers: the requested toSeq, or lastSeq when open-ended or truncated; null if nothing. */
  toSeq: number | null;
  /** Records republished. */
  count: number;
  /** Seq of the last record republished, null if none. */
  lastSeq: number | null;
  /** Per-request cap. */
  limit: number;
  /** True when the cap stopped the replay before toSeq; ask again from nextFromSeq. */
  truncated: boolean;
  nextFromSeq?: number;
}

export interface ReplayFailed {
  transaction?: Transaction;
  ok: false;
  error: string;
}

export type ReplayReply = ReplayDone | ReplayFailed;

function isSeq(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function asTransaction(v: unknown): Transaction | undefined {
  if (typeof v === 'string' && v.length <= MAX_TRANSACTION_LENGTH) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

/** Parses a replay request; never throws. The transaction is echoed even on most errors. */
export function parseReplayRequest(payload: Buffer | string): ParsedReplay {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > MAX_REQUEST_BYTES) return { ok: false, error: `request larger than ${MAX_REQUEST_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch {
    return { ok: false, error: 'request is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: 'request must be a JSON object' };
  const obj = json as Record<string, unknown>;
  const transaction = asTransaction(obj.transaction);
  const fail = (error: string): ParsedReplay => (transaction === undefined ? { ok: false, error } : { ok: false, error, transaction });
  if (obj.transaction !== undefined && transaction === undefined) {
    return fail(`transaction: expected a string (at most ${MAX_TRANSACTION_LENGTH} characters) or a number`);
  }
  if (obj.fromSeq === undefined) return fail('fromSeq: required');
  if (!isSeq(obj.fromSeq)) return fail(`fromSeq: expected an integer >= 0, found ${JSON.stringify(obj.fromSeq)}`);
  let toSeq: number | null = null;
  if (obj.toSeq !== undefined && obj.toSeq !== null) {
    if (!isSeq(obj.toSeq)) return fail(`toSeq: expected an integer >= 0, found ${JSON.stringify(obj.toSeq)}`);
    if (obj.toSeq < obj.fromSeq) return fail(`toSeq (${obj.toSeq}) is below fromSeq (${obj.fromSeq})`);
    toSeq = obj.toSeq;
  }
  const request: ReplayRequest = { fromSeq: obj.fromSeq, toSeq };
  if (transaction !== undefined) request.transaction = transaction;
  return { ok: true, request };
}

/** Builds the success reply from what was republished. */
export function replayDone(req: ReplayRequest, count: number, lastSeq: number | null, limit: number, truncated: boolean): ReplayDone {
  const reply: ReplayDone = {
    ok: true,
    fromSeq: req.fromSeq,
    toSeq: truncated || req.toSeq === null ? lastSeq : req.toSeq,
    count,
    lastSeq,
    limit,
    truncated,
  };
  if (req.transaction !== undefined) reply.transaction = req.transaction;
  if (truncated && lastSeq !== null) reply.nextFromSeq = lastSeq + 1;
  return reply;
}
