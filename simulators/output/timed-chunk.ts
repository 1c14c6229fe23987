// A piece of a device's byte stream and the simulated time (s from the start of the run) it is sent at.

export interface TimedChunk {
  atS: number;
  data: Buffer;
  /** What the chunk is, for tests and logs: a line of the device's own output, or injected noise. */
  kind: 'line' | 'noise';
}

/** Text lines (printed at cycle time `t`) to CRLF-terminated chunks, shifted by the cycle's start in the run.
 * `encode` gives a line's bytes (default latin1; a GB18030 printer passes its encoder). */
export function linesToChunks(
  lines: ReadonlyArray<{ t: number; text: string }>,
  offsetS: number,
  eol = '\r\n',
  encode: (text: string) => Buffer = (text) => Buffer.from(text, 'latin1'),
): TimedChunk[] {
  return lines.map((l) => ({ atS: offsetS + l.t, data: encode(l.text + eol), kind: 'line' as const }));
}
