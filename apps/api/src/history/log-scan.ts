import type { EventStore, RecordedEvent } from '@tongxin/event-store';

/** How far one page reads past events it does not keep before it answers a short page (with `next` to go on). */
export const MAX_SCANNED = 10_000;

/**
 * One page of the global log after `after`, keeping the events `keep` accepts, up to `limit` of them. `next` is the
 * `after` of the following page, null once the read reached the end of the log (or `until`, inclusive).
 */
export async function scanLog(
  store: EventStore,
  options: { after: number; limit: number; until?: number },
  keep: (event: RecordedEvent) => Promise<boolean>,
): Promise<{ events: RecordedEvent[]; next: number | null }> {
  const kept: RecordedEvent[] = [];
  let cursor = options.after;
  let scanned = 0;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: options.limit });
    for (const event of page) {
      if (options.until !== undefined && event.position > options.until) return { events: kept, next: null };
      cursor = event.position;
      scanned++;
      if (await keep(event)) kept.push(event);
      if (kept.length === options.limit) return { events: kept, next: cursor };
    }
    if (page.length < options.limit) return { events: kept, next: null };
    if (scanned >= MAX_SCANNED) return { events: kept, next: cursor };
  }
}
