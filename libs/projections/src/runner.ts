import type { EventStore, RecordedEvent } from '@tongxin/event-store';
import type { ProjectionTarget } from './read-model';

export interface ProjectionRunnerOptions {
  /** Events per read and per read-model transaction. */
  batchSize?: number;
  /** How long the background loop sleeps at the head before looking again, unless woken. */
  pollIntervalMs?: number;
  /** First retry delay after a failed batch; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A replay from position 0 over at least this many events drops query indexes and builds them at the end. */
  bulkReplayThreshold?: number;
  /** After a wake, wait this long before reading, so a burst of appends is applied as one batch. Default 5 ms. */
  wakeDelayMs?: number;
  logger?: Pick<Console, 'error' | 'log'>;
}

interface Waiter { position: number; resolve: (reached: boolean) => void; timer: NodeJS.Timeout }

/**
 * Carries the global log into a read model: reads from the model's stored checkpoint in batches (the next page
 * while one is applied), and the model applies each batch and moves its checkpoint in one transaction. Nothing
 * is delivered in memory, so a crash or restart resumes where the last committed batch ended. A failed batch
 * moves nothing (a page read ahead of it is dropped); the background loop logs it and retries from the checkpoint
 * with backoff (a poison event stops this projection, visibly, rather than being skipped).
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly wakeDelayMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly bulkReplayThreshold: number;
  private readonly logger: Pick<Console, 'error' | 'log'>;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  /** One catch-up at a time; a second caller joins the one in flight. */
  private inFlight: Promise<number> | undefined;
  private waiters: Waiter[] = [];
  private position = 0;

  constructor(private readonly store: EventStore, private readonly target: ProjectionTarget, options: ProjectionRunnerOptions = {}) {
    this.batchSize = options.batchSize ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.wakeDelayMs = options.wakeDelayMs ?? 5;
    this.backoffMs = options.backoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.bulkReplayThreshold = options.bulkReplayThreshold ?? 200_000;
    this.logger = options.logger ?? console;
  }

  /** Processes until the head of the log; resolves to the number of events applied. Rejects if a batch fails. */
  catchUp(): Promise<number> {
    if (!this.inFlight) {
      this.inFlight = this.runToHead().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  /** Starts the background loop: catch up, then sleep until woken or the poll interval passes. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  /** Something was appended: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** True once the read model includes `position`; false after `timeoutMs`. */
  async waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    this.position = Math.max(this.position, await this.target.checkpoint());
    if (this.position >= position) return true;
    const reached = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.timer !== timer);
        resolve(false);
      }, timeoutMs);
      this.waiters.push({ position, resolve, timer });
    });
    if (this.running) this.wake();
    else this.catchUp().catch((error) => this.logger.error('projection catch-up failed', error));
    return reached;
  }

  /** Stops the loop after the batch in flight; pending waiters answer false. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    await this.inFlight?.catch(() => undefined);
    this.loop = undefined;
    this.stopping = false;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters = [];
  }

  private async runLoop(): Promise<void> {
    let backoff = this.backoffMs;
    while (this.running) {
      try {
        this.woken = false;
        await this.catchUp();
        backoff = this.backoffMs;
        if (!this.woken) await this.sleep(this.pollIntervalMs);
      } catch (error) {
        this.logger.error(`projection batch after position ${this.position} failed; retrying in ${backoff} ms`, error);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
    }
  }

  private async runToHead(): Promise<number> {
    let applied = 0;
    let position = await this.target.checkpoint();
    this.settle(position);
    // 1. A rebuild (an empty model, a long log): drop query-only indexes, build them once at the end.
    // Only from 0: a live model that fell behind keeps its indexes, so its queries never turn into scans.
    if (position === 0 && this.target.beginBulkReplay
      && (await this.store.headPosition()) >= this.bulkReplayThreshold) {
      await this.target.beginBulkReplay();
    }
    // The page being read: the first one, then the next while this one is applied.
    let reading: Promise<RecordedEvent[]> | undefined;
    try {
      // 2. Batch by batch; each batch and its checkpoint commit together in the model. The next page is read
      // while this one is applied (a store and a model in another process work on the other core), but it is
      // used only if this batch committed exactly where that page starts; otherwise it is dropped unseen.
      if (!this.stopping) reading = this.readPage(position);
      while (reading && !this.stopping) {
        const events = await reading;
        reading = undefined;
        if (events.length === 0) break;
        const full = events.length >= this.batchSize;
        const last = events[events.length - 1].position;
        if (full) {
          reading = this.readPage(last);
          // A synchronous model (SQLite) blocks the event loop while it applies: let the read reach the server first.
          await yieldToIo();
        }
        const next = await this.target.applyBatch(events);
        applied += events.filter((event) => event.position > position && event.position <= next).length;
        position = next;
        this.settle(position);
        if (!full) break;
        if (next !== last) {
          // Another writer moved the checkpoint (or the page overlapped it): read on from where it is.
          await discard(reading);
          reading = this.readPage(next);
        }
      }
    } finally {
      // 3. A failed batch, stop() or the head: a page still being read is waited for and dropped, so the next
      // catch-up starts from the committed checkpoint and stop() leaves no query running.
      await discard(reading);
      // 4. Indexes come back even if a batch failed or an earlier rebuild was cut short by a crash.
      await this.target.endBulkReplay?.();
    }
    return applied;
  }

  /** Starts reading the page after `after`; its failure surfaces only where the page is used. */
  private readPage(after: number): Promise<RecordedEvent[]> {
    const page = this.store.readAll({ after, limit: this.batchSize, metadataKeys: this.target.metadataKeys });
    page.catch(() => undefined); // a dropped page must not become an unhandled rejection
    return page;
  }

  private settle(position: number): void {
    this.position = position;
    if (this.waiters.length === 0) return;
    const [reached, waiting] = partition(this.waiters, (waiter) => waiter.position <= position);
    this.waiters = waiting;
    for (const waiter of reached) {
      clearTimeout(waiter.timer);
      waiter.resolve(true);
    }
  }

  /** Sleeps unless stopping; `wake()` and `stop()` end it early. */
  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        // Linger a moment so a burst of appends lands in one batch (one transaction) instead of many.
        clearTimeout(timer);
        setTimeout(done, this.wakeDelayMs);
      };
    });
  }
}

/** One turn of the event loop, so a query just issued is written to its socket before synchronous work starts. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function discard(page: Promise<unknown> | undefined): Promise<void> {
  await page?.catch(() => undefined);
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
