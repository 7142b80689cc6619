import { randomUUID } from 'node:crypto';
import { GENERATION_KEY, PROJECTION_NAME, READ_MODEL_TABLES } from './schema';

/** The tables a rebuild empties: everything but the checkpoint (reset to 0) and the version row. */
export const FACT_TABLE_NAMES = READ_MODEL_TABLES.filter((table) => table !== 'checkpoints' && table !== 'read_model_meta');

/**
 * The tables emptied, the checkpoint at 0, and a new generation so other writers drop the rows they cached.
 * `param(n)` is the engine's placeholder for the n-th parameter.
 */
export function emptyingStatements(param: (n: number) => string): { sql: string; params: unknown[] }[] {
  return [
    ...FACT_TABLE_NAMES.map((table) => ({ sql: `DELETE FROM ${table}`, params: [] })),
    { sql: `UPDATE checkpoints SET position = 0 WHERE name = ${param(1)}`, params: [PROJECTION_NAME] },
    {
      sql: `INSERT INTO read_model_meta (key, value) VALUES (${param(1)}, ${param(2)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      params: [GENERATION_KEY, randomUUID()],
    },
  ];
}

/** Runs `work` (a statement needing the write lock) until no other connection holds the lock, waiting between tries. */
export async function retryWhileBusy(work: () => void, onWait: () => void): Promise<void> {
  for (;;) {
    try {
      work();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      onWait();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export function once(callback: () => void): () => void {
  let called = false;
  return () => {
    if (!called) callback();
    called = true;
  };
}
