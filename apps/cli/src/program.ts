import { Command, InvalidArgumentError, Option } from 'commander';
import { createEventStore, type EventStore } from '@tongxin/event-store';
import { openKeyStore, SealingEventStore } from '@tongxin/privacy';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { loadConfig, redactUrl } from '../../api/src/config/config';
import { exportEvents } from './export-events';
import { EXPORT_FORMATS, type ExportFormat } from './exported-event';
import { importEvents } from './import-events';
import { progressBar } from './progress';
import { addReadModelCommands, STORE_HELP } from './read-model-commands';
import { integer } from './arguments';
import { addStatsCommand } from './stats';
import { serve } from './serve';
import { addTokensCommand } from './tokens';


const EXAMPLES = `
Examples:
  $ npx tongxin serve --port 3000
  $ npx tongxin export --format cloudevents --out ledger.jsonl
  $ npx tongxin export --after 120000 --until 2026-06-30T16:00:00Z > tail.ndjson
  $ npx tongxin import-events ledger.jsonl --store postgres://tongxin@db/ledger
  $ npx tongxin rebuild && npx tongxin verify
  $ npx tongxin stats breakdown --by orgUnit --org-unit mayang --json
  $ npx tongxin tokens create --role organiser --org-unit mayang --name "县级组织者"`;

/** The `tongxin` command line; built fresh for each run so tests can capture its output. */
export function createProgram(): Command {
  const program = new Command('tongxin')
    .description('Tongxin Ledger (同心账本): serve the API, move the event log in and out, rebuild and verify read models, query figures')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXAMPLES);

  program.command('serve')
    .description('run the HTTP API (what `npm start` runs): commands, queries, /docs')
    .addOption(storeOption())
    .addOption(new Option('--port <port>', 'port to listen on').env('PORT').default('3000').argParser(integer('port', 0)))
    .addOption(new Option('--host <host>', 'address to bind').env('HOST').default('0.0.0.0'))
    .action(async (options: { store?: string; port: number | string; host: string }) => {
      await serve({ storeUrl: options.store, port: Number(options.port), host: options.host });
    });

  program.command('export')
    .description('write the event log, one event per line, in position order (streamed: any size of log)')
    .addOption(new Option('--format <format>', 'line format: ndjson (the stored event) or cloudevents (CloudEvents 1.0 JSON)').choices(EXPORT_FORMATS).default('ndjson'))
    .option('--after <position>', 'only events after this global position (exclusive)', integer('position', 0), 0)
    .option('--until <instant>', 'only events recorded at or before this ISO 8601 instant', instant)
    .option('--out <file>', 'write to this file (written aside and renamed when complete) instead of stdout')
    .addOption(storeOption())
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (options: { format: ExportFormat; after: number; until?: string; out?: string; store?: string; progress: boolean }) => {
      await withStore(options.store, async (store) => {
        const target = options.out ? `${options.out}.partial` : undefined;
        const out = target ? createWriteStream(target) : process.stdout;
        try {
          const summary = await exportEvents(store, out, {
            format: options.format, after: options.after, until: options.until,
            progress: progressBar('export', 'events', options.progress),
          });
          if (target) {
            out.end();
            await finished(out);
            renameSync(target, options.out!);
          }
          const range = summary.events ? ` (positions ${summary.firstPosition}–${summary.lastPosition})` : '';
          process.stderr.write(`exported ${summary.events} events${range} and ${summary.idempotencyRecords} idempotency records as ${options.format}${options.out ? ` to ${options.out}` : ''}\n`);
        } catch (error) {
          if (target) {
            out.destroy();
            rmSync(target, { force: true });
          }
          throw error;
        }
      });
    });

  program.command('import-events')
    .description('load an export (ndjson or cloudevents) into an EMPTY store, same order, same stream revisions')
    .argument('<file>', 'an export written by `tongxin export`')
    .addOption(storeOption())
    .option('--no-progress', 'no progress bar on stderr')
    .addHelpText('after', `
The target must hold no events; the whole file is checked before anything is appended, so a bad line
appends nothing. Positions are renumbered by the target; each event keeps the recordedAt the first store
gave it (so asOf answers move with the ledger), and donation/disbursement ids are claimed again. Stop the
API on the target while importing.

Example, moving the embedded ledger to PostgreSQL:
  $ npx tongxin export --store sqlite:./data/tongxin.db --out ledger.ndjson
  $ npx tongxin import-events ledger.ndjson --store postgres://tongxin@db:5432/ledger`)
    .action(async (file: string, options: { store?: string; progress: boolean }) => {
      await withStore(options.store, async (store, storeUrl) => {
        const summary = await importEvents(store, file, {
          progress: { check: progressBar('check ', 'bytes', options.progress), append: progressBar('import', 'bytes', options.progress) },
        });
        process.stderr.write(`imported ${summary.events} events in ${summary.streams} streams with ${summary.idempotencyRecords} idempotency records (${summary.format ?? 'empty file'}) into ${redactUrl(storeUrl)}\n`);
      });
    });

  addReadModelCommands(program);
  addStatsCommand(program);
  addTokensCommand(program);
  return program;
}

function storeOption(): Option {
  return new Option('--store <url>', STORE_HELP);
}

/**
 * The store the API would open with the same environment and --store, closed whatever happens. Personal data goes
 * through the store's vault as in the API: an export carries names readable (null for erased people), and an import
 * seals them again with keys of the target's vault, so no plain name ever lands in a store file.
 */
async function withStore(storeOverride: string | undefined, work: (store: EventStore, storeUrl: string) => Promise<void>): Promise<void> {
  const config = loadConfig(process.env, storeOverride ? { storeUrl: storeOverride } : {});
  const keys = await openKeyStore(config.vaultLocation);
  try {
    const store = new SealingEventStore(
      await createEventStore(config.storeUrl, { kurrentdbState: config.kurrentdbState, dataDirectory: config.dataDir }), keys);
    try {
      await work(store, config.storeUrl);
    } finally {
      await store.close();
    }
  } finally {
    await keys.close();
  }
}

function instant(value: string): string {
  // A date alone would be read as UTC midnight by Date.parse: ask for an instant, not a day.
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('must be an ISO 8601 instant, e.g. 2026-06-30T16:00:00Z');
  }
  return new Date(value).toISOString();
}
