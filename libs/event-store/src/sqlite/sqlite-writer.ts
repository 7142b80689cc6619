import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { StoreUnavailableError, type AppendResult } from '../event-store';
import { GroupCommitter } from './group-commit';
import type { AppendRequest } from '../append-request';
import { SqliteAppender } from './sqlite-append';
import { startSqliteThread } from './sqlite-thread';
import { decodeError, type FromWriter, type ToWriter, type WriterConfig } from './sqlite-writer-protocol';

/** Where the store's appends are committed. Every answer comes only after its transaction is durable. */
export interface AppendWriter {
  submit(request: AppendRequest): Promise<AppendResult>;
  /** Commits every request already submitted, then stops. */
  close(): Promise<void>;
  /** Throws StoreUnavailableError when appends can no longer be committed. */
  check(): void;
}

/** Group commit on the caller's own connection and thread: each fsync blocks this event loop. */
export function inlineWriter(db: Database.Database, now?: () => Date, maxGroupSize?: number): AppendWriter {
  const appender = new SqliteAppender(db, now);
  const committer = new GroupCommitter((requests: AppendRequest[]) => appender.commitGroup(requests), maxGroupSize);
  return { submit: (request) => committer.submit(request), close: async () => committer.flush(), check: () => undefined };
}

/**
 * Commits on a writer thread (sqlite-writer-thread.ts) that owns a second connection, so the fsync of
 * each group blocks that thread, not the event loop serving HTTP. Requests are posted as they come; the
 * thread groups whatever arrived during its previous commit. If the thread dies, every pending and later
 * append rejects with StoreUnavailableError: an append is never left hanging nor answered without a commit.
 */
export class WorkerWriter implements AppendWriter {
  readonly thread: Worker;
  private readonly pending = new Map<number, { resolve: (result: AppendResult) => void; reject: (error: unknown) => void }>();
  private readonly exited: Promise<void>;
  private outbox: { id: number; request: AppendRequest }[] = [];
  private nextId = 1;
  private failure: StoreUnavailableError | undefined;
  private closing: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;

  constructor(config: WriterConfig) {
    this.thread = startSqliteThread('sqlite-writer-thread', config);
    // An idle writer must not keep the process alive; submit() refs it while an answer is owed.
    this.thread.unref();
    this.thread.on('message', (message: FromWriter) => this.receive(message));
    this.thread.on('error', (error) => this.fail(`writer thread failed: ${error.message}`, error));
    this.exited = new Promise((resolve) => {
      this.thread.once('exit', (code) => {
        this.fail(`writer thread exited (code ${code})`);
        resolve();
      });
    });
  }

  submit(request: AppendRequest): Promise<AppendResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<AppendResult>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.thread.ref();
      // One message per event-loop turn: every caller of this turn travels together, so a turn's callers
      // land in one group instead of the writer catching the first few and fsyncing for them alone.
      if (this.outbox.push({ id, request }) === 1) setImmediate(() => this.send());
    });
  }

  private send(): void {
    if (this.outbox.length === 0) return;
    this.thread.postMessage({ type: 'append', batch: this.outbox } satisfies ToWriter);
    this.outbox = [];
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) {
        this.thread.ref();
        const closed = new Promise<void>((resolve) => { this.onClosed = resolve; });
        this.send();
        this.thread.postMessage({ type: 'close' } satisfies ToWriter);
        // 'closed' follows every outcome on the same port; 'exit' first means the thread died meanwhile.
        await Promise.race([closed, this.exited]);
      }
      await this.thread.terminate();
    })();
    return this.closing;
  }

  check(): void {
    if (this.failure) throw this.failure;
  }

  private receive(message: FromWriter): void {
    switch (message.type) {
      case 'outcomes':
        message.ids.forEach((id, index) => {
          const waiting = this.pending.get(id);
          if (!waiting) return;
          this.pending.delete(id);
          const outcome = message.outcomes[index];
          if (outcome.ok) waiting.resolve(outcome.value);
          else waiting.reject(decodeError(outcome.error));
        });
        if (this.pending.size === 0) this.thread.unref();
        return;
      case 'fatal':
        this.fail('writer thread cannot open the database', decodeError(message.error));
        void this.thread.terminate();
        return;
      case 'closed':
        this.onClosed?.();
    }
  }

  private fail(reason: string, cause?: unknown): void {
    this.failure ??= new StoreUnavailableError(`sqlite event store: ${reason}; appends cannot be committed`, cause);
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    this.outbox = [];
    this.thread.unref();
  }
}
