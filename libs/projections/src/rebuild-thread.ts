/**
 * The rebuild thread's entry (see rebuild-worker.ts): it owns the SQLite rebuild's connection and transaction and runs
 * the pages of writes the main thread's fold posts, in order, acknowledging each; a lookup (the fold's cache missed)
 * is answered on its own port and the main thread woken through the shared flag. Meanwhile the main thread reads,
 * parses and folds the next pages, so the two threads share the work.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { RebuildLookup } from './rebuild-ops';
import { SqliteRebuild } from './sqlite-rebuild';
import type { FromRebuildThread, LookupAnswer, ToRebuildThread } from './rebuild-worker';

interface RebuildThreadData { path: string; answers: MessagePort; answered: SharedArrayBuffer }

function run(port: NonNullable<typeof parentPort>, { path, answers, answered }: RebuildThreadData): void {
  const post = (message: FromRebuildThread) => port.postMessage(message);
  const flag = new Int32Array(answered);
  // The flag first: once the main thread has the message, nothing here can set the flag after it cleared it.
  const answer = (message: LookupAnswer) => {
    Atomics.store(flag, 0, 1);
    answers.postMessage(message);
    Atomics.notify(flag, 0);
  };
  let rebuild: SqliteRebuild | undefined;
  let finished: string | undefined;
  const finish = (message: FromRebuildThread) => {
    finished = message.type === 'failed' ? message.error.message : message.type;
    try {
      rebuild?.close();
    } finally {
      post(message);
    }
  };
  const fail = (error: unknown) => {
    const { message, code } = error as { message?: string; code?: unknown };
    finish({ type: 'failed', error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } });
  };
  const lookup = (ops: readonly unknown[], query: RebuildLookup) => {
    // The main thread is blocked until answered, whatever happens here.
    if (finished !== undefined) return answer({ error: `rebuild thread ${finished}` });
    try {
      rebuild!.apply(ops);
      answer({ value: rebuild!.lookup(query) });
    } catch (error) {
      answer({ error: String((error as Error).message ?? error) });
      fail(error);
    }
  };
  port.on('message', (message: ToRebuildThread) => {
    if (message.type === 'lookup') return lookup(message.ops, message.query);
    if (finished !== undefined) return;
    try {
      if (message.type === 'abort') finish({ type: 'aborted' });
      else if (message.type === 'apply') {
        rebuild!.apply(message.ops);
        post({ type: 'applied' });
      } else {
        rebuild!.commit(message.position);
        finish({ type: 'committed' });
      }
    } catch (error) {
      fail(error);
    }
  });
  SqliteRebuild.begin(path, () => post({ type: 'waiting' })).then((begun) => {
    rebuild = begun;
    // An abort that came while waiting for the lock: the main thread gave up.
    if (finished !== undefined) begun.close();
    else post({ type: 'begun' });
  }, fail);
}

run(parentPort!, workerData as RebuildThreadData);
