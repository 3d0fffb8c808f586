// The channel's release rule (SPEC §7.2.1; GigaSpaces repl-interval-millis,
// repl-interval-opers and repl-chunk-size): pending tasks go to a slave at once when their
// weight reaches intervalOpers or the oldest has waited intervalMillis; a batch holds at most
// chunkSize weight, but always at least one task (a heavier one goes alone). Pure.

/** What the rule needs of a pending task. */
export interface PendingTask {
  readonly taskId: number;
  readonly weight: number;
  readonly submitMillis: number;
}

/** The channel's knobs. */
export interface ReleaseConfig {
  readonly intervalMillis: number;
  readonly intervalOpers: number;
  readonly chunkSize: number;
}

/** Release the first `count` pending tasks now; wait until a time; or nothing is pending. */
export type ReleaseDecision =
  | { readonly kind: 'release'; readonly count: number }
  | { readonly kind: 'wait'; readonly untilMillis: number }
  | { readonly kind: 'idle' };

/** The decision for `pending` (in id order) at `nowMillis`. */
export function releaseBatch(
  pending: readonly PendingTask[],
  nowMillis: number,
  config: ReleaseConfig,
): ReleaseDecision {
  const oldest = pending[0];
  if (oldest === undefined) return { kind: 'idle' };
  const total = pending.reduce((sum, task) => sum + task.weight, 0);
  const due = oldest.submitMillis + config.intervalMillis;
  if (total < config.intervalOpers && nowMillis < due) return { kind: 'wait', untilMillis: due };
  let count = 0;
  let weight = 0;
  for (const task of pending) {
    if (count > 0 && weight + task.weight > config.chunkSize) break;
    count++;
    weight += task.weight;
  }
  return { kind: 'release', count };
}
