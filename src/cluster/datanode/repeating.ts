// Background work of a data node that runs again a while after each run ends (never two
// runs at once, however long one takes), until stopped.

/** A running repetition: `stop` prevents further runs and waits for the current one. */
export interface Repeating {
  stop(): Promise<void>;
}

/**
 * Runs `work` now, then again `intervalMillis` after each run ended. A run that rejects ends
 * the repetition with that rejection unhandled (work that can fail in operation catches its
 * own errors), as a broken invariant should crash the process.
 */
export function startRepeating(work: () => Promise<void>, intervalMillis: number): Repeating {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = (): void => {
    if (stopped) return;
    running = work();
    timer = setTimeout(() => void running.then(run), intervalMillis);
  };
  run();
  return {
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
