import type { PoolClient } from 'pg';

/**
 * `COPY table (columns) FROM STDIN` of rows already in memory, as one node-postgres submittable (the interface
 * pg-cursor and pg-copy-streams use): the whole text goes out on CopyInResponse, then CopyDone. For a batch of
 * thousands of rows the server loads COPY text about twice as fast as `INSERT … SELECT FROM unnest(arrays)`,
 * and writing it costs the client less than node-postgres' array literals (measured: 142,000 hour rows,
 * 2.1 s → 1.2 s). A row the table refuses fails the statement, and with it the batch's transaction.
 */
class CopyFromText {
  callback: ((error?: Error) => void) | undefined;
  private error: Error | undefined;

  constructor(private readonly text: string, private readonly data: Buffer) {}

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    // node-postgres drops the active query on an error: answer now, ReadyForQuery will not reach this object.
    this.error = error;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  private finish(): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(this.error);
  }
}

/** Loads `rows` into `table`, `columns` read off each row by name (null/undefined as NULL). */
export function copyRows(client: PoolClient, table: string, columns: readonly string[], rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return Promise.resolve();
  let text = '';
  const last = columns.length - 1;
  for (const row of rows as readonly Record<string, unknown>[]) {
    for (let i = 0; i < last; i++) text += copyValue(row[columns[i]]) + '\t';
    text += copyValue(row[columns[last]]) + '\n';
  }
  const copy = new CopyFromText(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, Buffer.from(text));
  return new Promise((resolve, reject) => {
    copy.callback = (error) => (error ? reject(error) : resolve());
    client.query(copy as never);
  });
}

const SPECIAL = /[\\\t\n\r]/;

/** COPY's text format: \N is NULL; backslash, tab, newline and carriage return are escaped. */
function copyValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  return SPECIAL.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}
