import { PROJECTION_NAME } from './schema';

/** One query with named parameters (`@name`); each engine binds them its own way. */
export interface SqlQuery {
  sql: string;
  params: Record<string, unknown>;
}
export type Row = Record<string, unknown>;

/**
 * A read as a sequence of queries, each yielded to the engine, which runs it (synchronously in SQLite,
 * awaiting pg in PostgreSQL) and resumes the plan with the rows. The SQL and the merging of rows into
 * answers live here once; only execution differs between engines.
 */
export type ReadPlan<T> = Generator<SqlQuery, T, Row[]>;

export function runPlanSync<T>(plan: ReadPlan<T>, execute: (query: SqlQuery) => Row[]): T {
  let step = plan.next();
  while (!step.done) step = plan.next(execute(step.value));
  return step.value;
}

export async function runPlan<T>(plan: ReadPlan<T>, execute: (query: SqlQuery) => Promise<Row[]>): Promise<T> {
  let step = plan.next();
  while (!step.done) step = plan.next(await execute(step.value));
  return step.value;
}

export function* checkpointPlan(): ReadPlan<number> {
  const [row] = yield { sql: 'SELECT position FROM checkpoints WHERE name = @name', params: { name: PROJECTION_NAME } };
  return Number(row.position);
}
