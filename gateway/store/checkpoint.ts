// Signed checkpoints in the record chain (docs/operations.md, "Retention"). A checkpoint is an `audit`
// record, signed and chained like every record, that states where each per-device chain stood and
// what the store no longer holds. With it:
// - `db verify` starts at the last checkpoint (its signature, then every record, sample and raw line
//   after it), which takes seconds on years of data; `--full` still checks everything still stored;
// - retention (retention.ts) deletes old rows only up to positions an earlier checkpoint named, and
//   first writes a checkpoint declaring it, so every chain that remains still links to a signed hash.
import type { ChainRef } from './audit-types.js';
import type { SignedRecord } from './record.js';

export const CHECKPOINT = 'checkpoint';
/** meta key: seq of the last checkpoint, written in the checkpoint's transaction. */
export const META_CHECKPOINT = 'records.checkpoint';

/** A prefix of a chain that was deleted: rows 1..seq are gone; `hash` is row seq's (the link of seq+1). */
export interface PrunedPrefix {
  seq: number;
  hash: string;
}

export interface CheckpointBody {
  event: typeof CHECKPOINT;
  /** Per device, the position of its sample chain up to which rows may be deleted later: the head when
   * the checkpoint was made, or just before the first sample of a cycle still open. */
  samples: ChainRef[];
  /** Same for raw device lines. */
  rawLines: ChainRef[];
  /** What the store no longer holds (or is deleting now), cumulative. */
  pruned: {
    records: PrunedPrefix | null;
    samples: ChainRef[];
    rawLines: ChainRef[];
  };
}

export function isCheckpoint(r: Pick<SignedRecord, 'type' | 'body'>): r is Pick<SignedRecord, 'type'> & { body: CheckpointBody & Record<string, unknown> } {
  const b = r.body as Partial<CheckpointBody> | undefined;
  return (
    r.type === 'audit' &&
    !!b &&
    b.event === CHECKPOINT &&
    Array.isArray(b.samples) &&
    Array.isArray(b.rawLines) &&
    !!b.pruned &&
    typeof b.pruned === 'object' &&
    Array.isArray(b.pruned.samples) &&
    Array.isArray(b.pruned.rawLines)
  );
}

export const NOTHING_PRUNED: CheckpointBody['pruned'] = { records: null, samples: [], rawLines: [] };

/** deviceId -> position, for a checkpoint's lists. */
export function byDevice(refs: readonly ChainRef[]): Map<string, ChainRef> {
  return new Map(refs.map((r) => [r.deviceId, r]));
}
