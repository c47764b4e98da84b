// Test-only fault injection for the protocols spanning objects (cross-shard transactions,
// partition splits, backups, index propagation): a test arms a named step, and the next time any object of this
// isolate reaches that step it throws, as a crash there would stop it. Nothing in the product arms a fault.

export type FaultStep =
  /** Coordinator: every participant answered prepare; nothing decided yet. */
  | "coordinator:after-prepare"
  /** Coordinator: the commit decision is durable; no participant told yet. */
  | "coordinator:after-decision"
  /** Participant: a commit arrived; nothing applied yet. */
  | "participant:before-commit"
  /** Router: a backup recorded by the catalogue's home, its pieces not yet marked. */
  | "router:backup-recorded"
  /** Router: a BatchGetItem/BatchWriteItem part about to be sent to its shard. */
  | "router:batch-shard"
  /** Split source (src/split/source.ts): a chunk copied to the new object, its cursor not yet moved. */
  | "split:after-copy-chunk"
  /** Split source: noted keys sent again, the notes not yet deleted. */
  | "split:after-drain-chunk"
  /** Split source: fenced and caught up, the home not yet asked to publish. */
  | "split:before-publish"
  /** Split source: the home published the new map; the source has not recorded it. */
  | "split:after-publish"
  /** Split source: every object has the new definition; the source still fences the range. */
  | "split:after-broadcast"
  /** Split source: the moved rows deleted; the split's row not yet. */
  | "split:before-cleaned"
  /** Backup piece (src/backup): a chunk of the copy committed, the next not begun. */
  | "backup:after-copy-chunk"
  /** Backup piece: the copy complete, the catalogue's home not yet told. */
  | "backup:before-report"
  /** Restored partition: a chunk of rows written, the next not fetched. */
  | "restore:after-chunk"
  /** Restored partition: filled, the catalogue's home not yet told. */
  | "restore:before-report"
  /** Export piece (src/backup/exports.ts): a data file written and noted, the next not begun. */
  | "export:after-file"
  /** Table partition (src/gsi/propagation.ts): index changes committed in its outbox, none sent yet. */
  | "gsi:before-send"
  /** Index partition (src/storage/gsi-inbox.ts): changes applied, their transaction not committed. */
  | "gsi:before-apply-commit"
  /** Table partition: an index partition applied the changes; the outbox still holds them. */
  | "gsi:after-apply"
  /** Index partition splitting (src/split/index-split.ts): a chunk copied, its cursor not yet moved. */
  | "index-split:after-copy-chunk"
  /** Index partition splitting: the home published the split index map; the source has not recorded it. */
  | "index-split:after-publish"
  /** Index partition splitting: the moved entries deleted; the split's row not yet. */
  | "index-split:before-cleaned";

const armed = new Map<FaultStep, number>();

/** Arms `step` to throw the next `times` times it is reached. */
export function armFault(step: FaultStep, times = 1): void {
  armed.set(step, times);
}

/** Whether `step` is armed still (false once it has fired). */
export function isArmed(step: FaultStep): boolean {
  return armed.has(step);
}

export function clearFaults(): void {
  armed.clear();
}

export class InjectedFault extends Error {}

export function reach(step: FaultStep): void {
  const left = armed.get(step);
  if (left === undefined) return;
  if (left <= 1) armed.delete(step);
  else armed.set(step, left - 1);
  throw new InjectedFault(`injected fault at ${step}`);
}
