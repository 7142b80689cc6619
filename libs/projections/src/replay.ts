import type { EventStore, RecordedEvent } from '@tongxin/event-store';

/** What a long replay reports as it goes (the CLI's progress bar has this shape). */
export interface ReplayProgress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

export const NO_REPLAY_PROGRESS: ReplayProgress = { start: () => undefined, update: () => undefined, stop: () => undefined };

export interface ReplayOptions {
  /** Exclusive start; default 0 (the whole log). */
  after?: number;
  /** Inclusive end: the replay stops at this position even if the log has grown since. */
  until: number;
  batchSize?: number;
  progress?: ReplayProgress;
  /** The metadata keys `apply` reads (ReadAllOptions.metadataKeys); absent, the whole metadata. */
  metadataKeys?: readonly string[];
}

/**
 * Feeds the log from `after` to `until` to `apply`, a page at a time, reading the next page while one is applied
 * (on the store's own reader thread where it has `readPages`). Memory holds a few pages whatever the length of the
 * log. Resolves to the number of events applied.
 */
export async function replayLog(
  store: EventStore,
  apply: (events: readonly RecordedEvent[]) => unknown,
  options: ReplayOptions,
): Promise<number> {
  const start = options.after ?? 0;
  const batchSize = options.batchSize ?? 10_000;
  const progress = options.progress ?? NO_REPLAY_PROGRESS;
  if (store.readPages) return replayPages(store.readPages({ after: start, until: options.until, batchSize, metadataKeys: options.metadataKeys }), apply, start, options.until, progress);
  const read = (after: number) => {
    const page = store.readAll({ after, limit: batchSize, metadataKeys: options.metadataKeys });
    page.catch(() => undefined); // a page read ahead and never used must not become an unhandled rejection
    return page;
  };
  let applied = 0;
  let reading: Promise<RecordedEvent[]> | undefined = start < options.until ? read(start) : undefined;
  progress.start(Math.max(0, options.until - start));
  try {
    while (reading) {
      const page = await reading;
      const events = page.filter((event) => event.position <= options.until);
      reading = undefined;
      if (events.length === 0) break;
      const last = events[events.length - 1].position;
      if (page.length >= batchSize && last < options.until) {
        reading = read(last);
        // A synchronous model (SQLite) blocks the event loop while it applies: let the read reach the server first.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await apply(events);
      applied += events.length;
      progress.update(last - start);
    }
  } finally {
    await reading?.catch(() => undefined);
    progress.stop();
  }
  return applied;
}

async function replayPages(
  pages: AsyncIterable<RecordedEvent[]>, apply: (events: readonly RecordedEvent[]) => unknown, start: number, until: number,
  progress: ReplayProgress,
): Promise<number> {
  let applied = 0;
  progress.start(Math.max(0, until - start));
  try {
    for await (const events of pages) {
      if (events.length === 0) continue;
      await apply(events);
      applied += events.length;
      progress.update(events[events.length - 1].position - start);
    }
  } finally {
    progress.stop();
  }
  return applied;
}
