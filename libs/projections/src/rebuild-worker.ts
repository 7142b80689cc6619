import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RecordedEvent } from '@tongxin/event-store';
import { LedgerFold } from './fold';
import { RebuildFactStore } from './rebuild-fact-store';
import type { RebuildLookup } from './rebuild-ops';

export type ToRebuildThread =
  | { type: 'apply'; ops: unknown[] } | { type: 'lookup'; ops: unknown[]; query: RebuildLookup }
  | { type: 'commit'; position: number } | { type: 'abort' };
export type FromRebuildThread =
  | { type: 'waiting' } | { type: 'begun' } | { type: 'applied' } | { type: 'committed' } | { type: 'aborted' }
  | { type: 'failed'; error: { message: string; code?: string } };
export type LookupAnswer = { value: unknown } | { error: string };

/**
 * The rebuild thread's V8 heap, MiB. It holds little (two pages of writes in flight, prepared statements); capped, V8
 * cannot let its old generation grow with the run.
 */
const OLD_GENERATION_MB = 32;
const YOUNG_GENERATION_MB = 8;

/** Pages posted and not yet applied: one being applied and one waiting keep both threads busy. */
const IN_FLIGHT = 2;

/**
 * Growth of this thread's heap, bytes, past which a page ends with a full collection. The fold's caches and held rows
 * live long enough to be promoted and then die, and V8 let that old-generation garbage grow to ~3x the live heap (CLI:
 * ~40 MiB live, ~125 MiB used; peak RSS at 1,000,000 events ~300 MiB); it offers no cap for a running isolate (the
 * rebuild thread's is set by resourceLimits). Measured from what the last collection left, so a process with a large
 * heap of its own is not collected after every page. About every 100,000 events, a few tens of ms each.
 */
const FOLD_HEAP_GROWTH = 40 * 1024 * 1024;

let gc: (() => void) | undefined;

/**
 * A full collection: `gc` from a fresh context, exposed once for it (the flag applies to contexts made later). Where a
 * runtime does not expose it so, nothing: the heap then only grows as V8 lets it.
 */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    const exposed: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    gc = typeof exposed === 'function' ? (exposed as () => void) : () => undefined;
  }
  gc();
}

/** How long a lookup waits for the rebuild thread before the rebuild gives up (it answers in microseconds). */
const LOOKUP_TIMEOUT_MS = 10 * 60_000;

/*
 * A worker thread goes through neither Jest's transform nor @swc-node/register, so it starts from this bootstrap:
 * compiled (dist/**.js) it requires the sibling .js; run from sources (Jest, benches, the CLI before a build) it first
 * hooks .ts to @swc/core with the repository's path aliases (as sqlite-writer.ts does for the store's writer thread).
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.swc) {
  const swc = require(workerData.swc.module);
  const { readFileSync } = require('node:fs');
  const options = { swcrc: false, module: { type: 'commonjs' }, jsc: { parser: { syntax: 'typescript', decorators: true },
    target: 'es2022', baseUrl: workerData.swc.baseUrl, paths: workerData.swc.paths, transform: { legacyDecorator: true } } };
  require.extensions['.ts'] = (module, filename) =>
    module._compile(swc.transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
}
require(workerData.entry);
`;

function sourceHook(): { module: string; baseUrl: string; paths: Record<string, string[]> } | undefined {
  if (extname(__filename) !== '.ts') return undefined;
  const root = join(__dirname, '..', '..', '..');
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  return { module: require.resolve('@swc/core'), baseUrl: root, paths: tsconfig.compilerOptions.paths };
}

/**
 * A SQLite rebuild split over two threads: this one folds the events (fold.ts over rebuild-fact-store.ts) into pages
 * of writes, the rebuild thread (rebuild-thread.ts) runs them in its transaction. `begun` once that thread holds the
 * model's write lock and has emptied the model, `apply` per page of events (resolving as soon as fewer than IN_FLIGHT
 * pages wait, so this thread reads on), `commit`, and `close` always (it rolls back whatever was not committed).
 * Killed with the process, the thread's transaction dies uncommitted, as a rebuild on this thread would.
 */
export class RebuildWorker {
  readonly begun: Promise<void>;
  private readonly thread: Worker;
  private readonly acks: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private readonly fold = new LedgerFold();
  private readonly store = new RebuildFactStore((query) => this.lookup(query));
  private readonly answers: MessagePort;
  private readonly answered = new Int32Array(new SharedArrayBuffer(4));
  private position = 0;
  /** This thread's heap when the rebuild began, then after each collection it made (FOLD_HEAP_GROWTH). */
  private heapAfterCollection = getHeapStatistics().used_heap_size;
  private failure: Error | undefined;
  private ended = false;

  constructor(path: string, onWait: () => void) {
    const extension = extname(__filename);
    const { port1, port2 } = new MessageChannel();
    this.answers = port1;
    this.thread = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: {
        path, entry: join(__dirname, `rebuild-thread${extension}`), swc: sourceHook(), answers: port2, answered: this.answered.buffer,
      },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: OLD_GENERATION_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.thread.on('message', (message: FromRebuildThread) => {
      if (message.type === 'waiting') onWait();
      else if (message.type === 'failed') this.fail(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else this.acks.shift()?.resolve();
    });
    this.thread.on('error', (error) => this.fail(error));
    this.thread.on('exit', (code) => this.fail(new Error(`rebuild thread exited (code ${code})`)));
    this.begun = this.expect();
  }

  /** Folds a page of events in position order and posts its writes. */
  async apply(events: readonly RecordedEvent[]): Promise<void> {
    if (this.failure) throw this.failure;
    for (const event of events) {
      if (event.position <= this.position) continue;
      this.fold.apply(this.store, event);
      this.position = event.position;
    }
    this.post(this.store.take());
    if (getHeapStatistics().used_heap_size > this.heapAfterCollection + FOLD_HEAP_GROWTH) {
      collectGarbage();
      this.heapAfterCollection = getHeapStatistics().used_heap_size;
    }
    if (this.inFlight.length >= IN_FLIGHT) await this.inFlight.shift();
  }

  /** Sends the rows still held, then commits with the checkpoint at the last event folded. */
  async commit(): Promise<void> {
    this.store.flush();
    this.post(this.store.take());
    await Promise.all(this.inFlight.splice(0));
    const committed = this.expect();
    this.thread.postMessage({ type: 'commit', position: this.position } satisfies ToRebuildThread);
    await committed;
    this.ended = true;
  }

  /** Rolls back an uncommitted rebuild (waiting for the thread to say so) and ends the thread. */
  async close(): Promise<void> {
    if (!this.ended && !this.failure) {
      const aborted = this.expect();
      this.thread.postMessage({ type: 'abort' } satisfies ToRebuildThread);
      await aborted.catch(() => undefined);
    }
    this.ended = true;
    this.answers.close();
    await this.thread.terminate();
  }

  private post(ops: unknown[]): void {
    const applied = this.expect();
    applied.catch(() => undefined); // awaited by apply or commit; a failure also rejects the next call
    this.thread.postMessage({ type: 'apply', ops } satisfies ToRebuildThread);
    this.inFlight.push(applied);
  }

  /**
   * A cache miss of the fold, answered synchronously: the writes decided so far go first, and this thread sleeps until
   * the rebuild thread has run them and every page before them, and answered.
   */
  private lookup(query: RebuildLookup): unknown {
    if (this.failure) throw this.failure;
    this.thread.postMessage({ type: 'lookup', ops: this.store.take(), query } satisfies ToRebuildThread);
    const deadline = Date.now() + LOOKUP_TIMEOUT_MS;
    for (;;) {
      const received = receiveMessageOnPort(this.answers);
      if (received) {
        Atomics.store(this.answered, 0, 0);
        const answer = received.message as LookupAnswer;
        if ('error' in answer) throw new Error(answer.error);
        return answer.value;
      }
      if (Date.now() > deadline) throw new Error('rebuild thread did not answer a lookup');
      Atomics.wait(this.answered, 0, 0, 1000);
    }
  }

  private expect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.acks.push({ resolve, reject });
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const ack of this.acks.splice(0)) ack.reject(this.failure);
  }
}
