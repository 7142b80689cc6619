/** What one request in a group came to: its value, or the error for that caller alone. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Pending<Request, Result> {
  request: Request;
  resolve: (value: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Every request submitted during one turn of the event loop waits in a queue; a single flush
 * on `setImmediate` hands the whole queue to `commitGroup`, which commits it in ONE durable transaction and
 * answers each request separately. The database call is synchronous, so while a group is being fsynced
 * nothing else runs; callers arriving meanwhile (sockets, timers, continuations of the previous group)
 * queue up and form the next group. One fsync is thus shared by everyone waiting, which is what lets 64
 * concurrent callers reach many times the single-transaction rate without ever answering before durability.
 *
 * setImmediate rather than queueMicrotask: continuations of awaited promises (several async layers deep in
 * a command handler) all get to enqueue before the flush, so groups stay full.
 */
export class GroupCommitter<Request, Result> {
  private queue: Pending<Request, Result>[] = [];
  private scheduled = false;

  constructor(
    /** Commits the group; throws only when the whole group failed (then every caller gets that error). */
    private readonly commitGroup: (requests: Request[]) => Outcome<Result>[],
    /** Upper bound on one transaction, so a burst does not build one enormous transaction. */
    private readonly maxGroupSize = 1000,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  submit(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now. Also called by close() so no accepted request is dropped. */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroupSize);
      let outcomes: Outcome<Result>[];
      try {
        outcomes = this.commitGroup(group.map((pending) => pending.request));
      } catch (error) {
        for (const pending of group) pending.reject(error);
        continue;
      }
      group.forEach((pending, index) => {
        const outcome = outcomes[index];
        if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    }
  }

  /** Rejects whatever is still queued (used when the store cannot commit any more). */
  rejectAll(error: unknown): void {
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }
}
