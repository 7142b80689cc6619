/**
 * The rebuild thread's entry (see rebuild-worker.ts): it owns the SQLite rebuild's connection and transaction and
 * applies the batches the main thread posts, in order, acknowledging each. The main thread meanwhile reads and
 * parses the next pages, so reading the log and writing the model use both cores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteRebuild } from './sqlite-rebuild';
import type { FromRebuildThread, ToRebuildThread } from './rebuild-worker';

function run(port: NonNullable<typeof parentPort>, path: string): void {
  const post = (message: FromRebuildThread) => port.postMessage(message);
  let rebuild: SqliteRebuild | undefined;
  let finished = false;
  const finish = (message: FromRebuildThread) => {
    finished = true;
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
  port.on('message', (message: ToRebuildThread) => {
    if (finished) return;
    try {
      if (message.type === 'abort') finish({ type: 'aborted' });
      else if (message.type === 'apply') {
        rebuild!.apply(message.events);
        post({ type: 'applied' });
      } else {
        rebuild!.commit();
        finish({ type: 'committed' });
      }
    } catch (error) {
      fail(error);
    }
  });
  SqliteRebuild.begin(path, () => post({ type: 'waiting' })).then((begun) => {
    rebuild = begun;
    // An abort that came while waiting for the lock: the main thread gave up.
    if (finished) begun.close();
    else post({ type: 'begun' });
  }, fail);
}

run(parentPort!, (workerData as { path: string }).path);
