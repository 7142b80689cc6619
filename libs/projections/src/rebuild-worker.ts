import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RecordedEvent } from '@tongxin/event-store';

export type ToRebuildThread = { type: 'apply'; events: readonly RecordedEvent[] } | { type: 'commit' } | { type: 'abort' };
export type FromRebuildThread =
  | { type: 'waiting' } | { type: 'begun' } | { type: 'applied' } | { type: 'committed' } | { type: 'aborted' }
  | { type: 'failed'; error: { message: string; code?: string } };

/**
 * The rebuild thread's V8 heap, MiB. Its live heap is bounded (caches and held rows of fixed size, two pages in flight;
 * ~35-55 MiB); unbounded, V8 let the old generation grow with the run as cache entries churned (peak RSS of the whole
 * rebuild at 1,000,000 events ~470 MiB, at 5,000,000 ~670 MiB) while a full GC left ~110-130 MiB. Measured at 1,000,000
 * events, the young generation's size moved peak RSS more than the old one's cap (16 MiB: ~270 MiB, 32: ~296).
 */
const OLD_GENERATION_MB = 64;
const YOUNG_GENERATION_MB = 16;

/** Batches posted and not yet applied: one being applied and one waiting keep both threads busy. */
const IN_FLIGHT = 2;

/**
 * The event as the fold reads it: of the metadata only `schemaVersion` (upcast) and `actor` (fold.ts). Copying the
 * rest to the other thread cost it a third of the time it spends taking the events in.
 */
function forTheFold(event: RecordedEvent): RecordedEvent {
  const { schemaVersion, actor } = event.metadata;
  const metadata: Record<string, unknown> = {};
  if (schemaVersion !== undefined) metadata.schemaVersion = schemaVersion;
  if (actor !== undefined) metadata.actor = actor;
  return { position: event.position, streamId: event.streamId, revision: event.revision, type: event.type, data: event.data, metadata,
    recordedAt: event.recordedAt };
}

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
 * A SQLite rebuild on its own thread (rebuild-thread.ts), driven from this one: `begun` once it holds the model's
 * write lock and has emptied the model, `apply` per page (resolving as soon as fewer than IN_FLIGHT pages wait, so
 * this thread reads on), `commit`, and `close` always (it rolls back whatever was not committed). Killed with the
 * process, the thread's transaction dies uncommitted, as a rebuild on this thread would.
 */
export class RebuildWorker {
  readonly begun: Promise<void>;
  private readonly thread: Worker;
  private readonly acks: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private failure: Error | undefined;
  private ended = false;

  constructor(path: string, onWait: () => void) {
    const extension = extname(__filename);
    this.thread = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { path, entry: join(__dirname, `rebuild-thread${extension}`), swc: sourceHook() },
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

  async apply(events: readonly RecordedEvent[]): Promise<void> {
    if (this.failure) throw this.failure;
    const applied = this.expect();
    applied.catch(() => undefined); // awaited below or by commit; a failure also rejects the next call
    this.thread.postMessage({ type: 'apply', events: events.map(forTheFold) } satisfies ToRebuildThread);
    this.inFlight.push(applied);
    if (this.inFlight.length >= IN_FLIGHT) await this.inFlight.shift();
  }

  async commit(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
    const committed = this.expect();
    this.thread.postMessage({ type: 'commit' } satisfies ToRebuildThread);
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
    await this.thread.terminate();
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
