import { Command, InvalidArgumentError, Option } from 'commander';
import { createEventStore, type EventStore } from '@tongxin/event-store';
import { PROJECTIONS, rebuildReadModel, verifyReadModel, type RowDifference } from '@tongxin/projections';
import { loadConfig, redactUrl } from '../../api/src/config/config';
import { progressBar } from './progress';

export const STORE_HELP = 'event store URL: sqlite:PATH, postgres://…, kurrentdb://… (default: $TONGXIN_STORE, else sqlite:./data/tongxin.db)';
export const READ_MODEL_HELP = 'read model: a SQLite path or postgres://…[?schema=tongxin_read] (default: $TONGXIN_READ_MODEL, else the API\'s: the store\'s PostgreSQL database, else <data dir>/tongxin-read.db)';

export interface StoreAndModelOptions { store?: string; readModel?: string }

/** The store the API would open with the same environment and flags, and the read model it would use; closed afterwards. */
export async function withStoreAndModel<T>(options: StoreAndModelOptions, work: (store: EventStore, readModel: string) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, {
    ...(options.store ? { storeUrl: options.store } : {}),
    ...(options.readModel ? { readModelLocation: options.readModel } : {}),
  });
  const store = await createEventStore(config.storeUrl, { kurrentdbState: config.kurrentdbState, dataDirectory: config.dataDir });
  try {
    return await work(store, config.readModelLocation);
  } finally {
    await store.close();
  }
}

export function storeAndModelOptions(command: Command): Command {
  return command
    .addOption(new Option('--store <url>', STORE_HELP))
    .addOption(new Option('--read-model <location>', READ_MODEL_HELP));
}

/** `rebuild` and `verify`: the read model re-derived from the log. */
export function addReadModelCommands(program: Command): void {
  storeAndModelOptions(program.command('rebuild')
    .description('empty the read models and replay the log from position 0, under a lock (killed half-way: rerun it)')
    .argument('[projection...]', `projections to rebuild: ${PROJECTIONS.join(', ')} (default: all)`, projectionNames))
    .option('--no-progress', 'no progress bar on stderr')
    .addHelpText('after', `
The rebuild is one transaction: runners and other rebuilds wait for its lock (SQLite: the read model's write
lock; PostgreSQL: an advisory lock and the checkpoint row), while queries keep answering from the old rows
until it commits. Killed half-way, nothing of it is kept; run it again and it starts over from position 0.
On the embedded (SQLite) ledger, stop the API first: its runner would stall on the write lock meanwhile.

Example:
  $ npx tongxin rebuild ledger-totals --store postgres://tongxin@db:5432/ledger`)
    .action(async (_projections: string[], options: StoreAndModelOptions & { progress: boolean }) => {
      await withStoreAndModel(options, async (store, readModel) => {
        const started = Date.now();
        const summary = await rebuildReadModel(store, readModel, {
          progress: progressBar('rebuild', 'events', options.progress),
          onWait: (message) => process.stderr.write(`${message}\n`),
        });
        const seconds = (Date.now() - started) / 1000;
        process.stderr.write(`rebuilt ${PROJECTIONS.join(', ')} in ${redactUrl(readModel)}: ${summary.events} events to position ${summary.position} in ${seconds.toFixed(1)} s\n`);
      });
    });

  storeAndModelOptions(program.command('verify')
    .description('replay the log into scratch tables up to the live checkpoint and compare them row by row with the live read models'))
    .option('--no-progress', 'no progress bar on stderr')
    .option('--limit <n>', 'differences shown per table', positive, 5)
    .addHelpText('after', `
Every table is compared as a multiset (order-independent; a duplicated row is a difference). The scratch
tables (a temporary SQLite file, or a scratch PostgreSQL schema) are removed afterwards. While it runs the
live model's writers wait, so the rows compared do not move. Exit status: 0 and one line "OK …" when they
match; 1 with the first differences (table, key, live vs rebuilt) when they do not.`)
    .action(async (options: StoreAndModelOptions & { progress: boolean; limit: number }) => {
      await withStoreAndModel(options, async (store, readModel) => {
        const result = await verifyReadModel(store, readModel, {
          progress: progressBar('verify ', 'events', options.progress), sample: options.limit,
          onWait: (message) => process.stderr.write(`${message}\n`),
        });
        const tables = Object.keys(result.differing);
        if (tables.length === 0) {
          process.stdout.write(`OK: ${redactUrl(readModel)} matches a replay of the log to position ${result.position} (${result.rowsCompared} rows)\n`);
          return;
        }
        const total = Object.values(result.differing).reduce((a, b) => a + b, 0);
        process.stdout.write(`DIFFERENT: ${total} rows differ from a replay to position ${result.position} (${tables.map((t) => `${t}: ${result.differing[t]}`).join(', ')})\n`);
        for (const difference of result.differences) process.stdout.write(`${describe(difference)}\n`);
        process.exitCode = 1;
      });
    });
}

function describe(difference: RowDifference): string {
  const key = Object.entries(difference.key).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const { live, rebuilt } = difference;
  if (live && rebuilt) {
    const changed = Object.keys(live).filter((column) => String(live[column]) !== String(rebuilt[column]));
    return `  ${difference.table} [${key}]: ${changed.map((c) => `${c} live ${show(live[c])} vs rebuilt ${show(rebuilt[c])}`).join('; ')}`;
  }
  if (live) return `  ${difference.table} [${key}]: only in live: ${JSON.stringify(live)}`;
  return `  ${difference.table} [${key}]: missing from live, rebuilt has: ${JSON.stringify(rebuilt)}`;
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'NULL' : JSON.stringify(value);
}

function projectionNames(name: string, previous: string[] = []): string[] {
  if (!PROJECTIONS.includes(name)) {
    throw new InvalidArgumentError(`unknown projection "${name}"; known: ${PROJECTIONS.join(', ')}`);
  }
  return [...previous, name];
}

function positive(value: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
}
