import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, parseReplayRequest, replayDone } from '../../gateway/publish/replay-request.js';

describe('replay request parsing', () => {
  it.each([
    ['{"fromSeq":1}', { fromSeq: 1, toSeq: null }],
    ['{"fromSeq":0,"toSeq":0}', { fromSeq: 0, toSeq: 0 }],
    ['{"fromSeq":5,"toSeq":9,"transaction":"tx"}', { fromSeq: 5, toSeq: 9, transaction: 'tx' }],
    ['{"fromSeq":5,"toSeq":null,"transaction":42}', { fromSeq: 5, toSeq: null, transaction: 42 }],
    ['{"fromSeq":5,"extra":"ignored"}', { fromSeq: 5, toSeq: null }],
  ])('accepts %s', (payload, request) => {
    expect(parseReplayRequest(Buffer.from(payload))).toEqual({ ok: true, request });
  });

  it.each([
    ['', 'request is not JSON'],
    ['nope', 'request is not JSON'],
    ['null', 'request must be a JSON object'],
    ['[1]', 'request must be a JSON object'],
    ['{}', 'fromSeq: required'],
    ['{"fromSeq":-1}', 'fromSeq: expected an integer >= 0, found -1'],
    ['{"fromSeq":1.5}', 'fromSeq: expected an integer >= 0, found 1.5'],
    ['{"fromSeq":"1"}', 'fromSeq: expected an integer >= 0, found "1"'],
    ['{"fromSeq":1,"toSeq":-2}', 'toSeq: expected an integer >= 0, found -2'],
    ['{"fromSeq":9,"toSeq":3}', 'toSeq (3) is below fromSeq (9)'],
    ['{"fromSeq":1,"transaction":{"a":1}}', 'transaction: expected a string (at most 256 characters) or a number'],
  ])('refuses %j: %s', (payload, error) => {
    expect(parseReplayRequest(payload)).toEqual({ ok: false, error });
  });

  it('echoes the transaction on an error when it can', () => {
    expect(parseReplayRequest('{"transaction":"t-1"}')).toEqual({ ok: false, error: 'fromSeq: required', transaction: 't-1' });
  });

  it('refuses oversized requests unread', () => {
    const big = JSON.stringify({ fromSeq: 1, pad: 'x'.repeat(MAX_REQUEST_BYTES) });
    expect(parseReplayRequest(big)).toEqual({ ok: false, error: `request larger than ${MAX_REQUEST_BYTES} bytes` });
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = parseReplayRequest(Buffer.from(bytes));
        return r.ok ? Number.isSafeInteger(r.request.fromSeq) : typeof r.error === 'string';
      }),
    );
  });

  it('builds replies that say what was covered', () => {
    expect(replayDone({ fromSeq: 1, toSeq: 10 }, 10, 10, 100, false)).toEqual({
      ok: true,
      fromSeq: 1,
      toSeq: 10,
      count: 10,
      lastSeq: 10,
      limit: 100,
      truncated: false,
    });
    expect(replayDone({ fromSeq: 1, toSeq: null, transaction: 'x' }, 100, 120, 100, true)).toEqual({
      ok: true,
      transaction: 'x',
      fromSeq: 1,
      toSeq: 120,
      count: 100,
      lastSeq: 120,
      limit: 100,
      truncated: true,
      nextFromSeq: 121,
    });
    expect(replayDone({ fromSeq: 50, toSeq: null }, 0, null, 100, false)).toMatchObject({ toSeq: null, lastSeq: null, count: 0 });
  });
});
