/**
 * The writer thread's entry (see sqlite-worker-writer.ts). It owns the write connection and commits
 * groups: every append that arrived while the previous commit was fsyncing is committed in the next one,
 * so groups grow with load without the main thread ever blocking on a commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { AppendRequest } from '../append-request';
import { SqliteAppender } from './sqlite-append';
import { prepareDatabase } from './sqlite-schema';
import { encodeError, type FromWriter, type ToWriter, type WireOutcome, type WriterConfig } from './sqlite-writer-protocol';

function run(port: NonNullable<typeof parentPort>, config: WriterConfig): void {
  const post = (message: FromWriter) => port.postMessage(message);
  let db: Database.Database;
  let appender: SqliteAppender;
  try {
    db = new Database(config.path);
    prepareDatabase(db, false, config.busyTimeoutMs);
    appender = new SqliteAppender(db);
  } catch (error) {
    post({ type: 'fatal', error: encodeError(error) });
    return;
  }
  const maxGroupSize = config.maxGroupSize ?? 1000;
  const queue: { id: number; request: AppendRequest }[] = [];
  let scheduled = false;

  // The commit is synchronous: messages arriving meanwhile wait in the port and are all delivered before
  // the next setImmediate, so they form the next group.
  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const group = queue.splice(0, maxGroupSize);
      let outcomes: WireOutcome[];
      try {
        outcomes = appender.commitGroup(group.map((pending) => pending.request))
          .map((outcome) => (outcome.ok ? outcome : { ok: false, error: encodeError(outcome.error) }));
      } catch (error) {
        const wire = encodeError(error);
        outcomes = group.map(() => ({ ok: false, error: wire }));
      }
      // Posted only after commitGroup returned: the transaction is durable (synchronous=FULL) or failed.
      post({ type: 'outcomes', ids: group.map((pending) => pending.id), outcomes });
    }
  };

  port.on('message', (message: ToWriter) => {
    if (message.type === 'append') {
      queue.push(...message.batch);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      return;
    }
    // close: commit everything accepted so far, then let the main thread stop us.
    flush();
    db.close();
    port.removeAllListeners('message');
    post({ type: 'closed' });
  });
}

if (parentPort) run(parentPort, workerData as WriterConfig);
