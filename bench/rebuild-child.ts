/**
 * The measured side of bench/rebuild.bench.ts, run in a fresh process per measurement so that neither the
 * fixture writer's memory nor another measurement's counts in its peak RSS. Prints one JSON line on stdout.
 *
 *   node -r @swc-node/register bench/rebuild-child.ts rebuild <events.db> <read.db>
 *   node -r @swc-node/register bench/rebuild-child.ts raw <events.db>
 *
 * rebuild: `rebuildReadModel`, the function `tongxin rebuild` runs, over the SQLite store opened as the CLI
 * opens it. raw: better-sqlite3 iterate + JSON.parse(data) + the same current totals folded in JS (the
 * replay bench's baseline).
 */
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { rebuildReadModel } from '../libs/projections/src/rebuild';
import { ReferenceFold } from '../libs/projections/src/testing/reference-fold';

export interface ChildReport {
  mode: 'rebuild' | 'raw';
  events: number;
  seconds: number;
  /** process.resourceUsage().maxRSS, KiB: the kernel's high-water mark of the whole process. */
  maxRssKiB: number;
  /** The largest process.memoryUsage().rss sampled every 20 ms (only between synchronous batches). */
  sampledRssMiB: number;
  /** The largest V8 heapUsed sampled, MiB. */
  sampledHeapMiB: number;
  /** RSS once the modules were loaded, before any work: what the process costs doing nothing. */
  idleRssMiB: number;
  /** User + system CPU time of the process over the measured work, s: steadier than `seconds` on a shared machine. */
  cpuSeconds: number;
  totals?: unknown;
  /** CPU seconds of each thread that ran 1 s or more (Linux /proc; sampled with the RSS), by thread name and id. */
  threadCpuSeconds?: Record<string, number>;
}

/** utime + stime of every thread of this process, s (empty where /proc is missing). */
function threadCpu(into: Record<string, number>): void {
  const { readdirSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      into[`${name}/${tid}`] = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the thread ended meanwhile
    }
  }
}

const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const [mode, eventsPath, readPath] = process.argv.slice(2);
  const idleRssMiB = process.memoryUsage().rss / MiB;
  let sampledRss = 0;
  let sampledHeap = 0;
  const threads: Record<string, number> = {};
  let lastThreadSample = 0;
  const sample = () => {
    // Reading /proc costs this thread time: every 250 ms is enough for totals of tens of seconds.
    if (Date.now() - lastThreadSample >= 250) {
      lastThreadSample = Date.now();
      threadCpu(threads);
    }
    const usage = process.memoryUsage();
    sampledRss = Math.max(sampledRss, usage.rss);
    sampledHeap = Math.max(sampledHeap, usage.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  let events: number;
  let totals: unknown;
  if (mode === 'rebuild') {
    const store = new SqliteEventStore(eventsPath);
    try {
      // The same call `tongxin rebuild` makes (apps/cli/src/read-model-commands.ts), without the progress bar.
      events = (await rebuildReadModel(store, readPath, { progress: { start: sample, update: sample, stop: sample } })).events;
    } finally {
      await store.close();
    }
  } else if (mode === 'raw') {
    const db = new Database(eventsPath, { readonly: true });
    const fold = new ReferenceFold();
    events = 0;
    for (const row of db.prepare('SELECT type, data FROM events ORDER BY position').iterate() as Iterable<{ type: string; data: string }>) {
      fold.apply(row.type, JSON.parse(row.data));
      events += 1;
      if ((events & 0xffff) === 0) sample();
    }
    totals = fold.result();
    db.close();
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  sample();
  const cpu = process.cpuUsage(cpuStarted);
  const report: ChildReport = {
    mode, events, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssKiB: process.resourceUsage().maxRSS,
    sampledRssMiB: sampledRss / MiB, sampledHeapMiB: sampledHeap / MiB, idleRssMiB, totals,
    threadCpuSeconds: Object.fromEntries(Object.entries(threads).filter(([, seconds]) => seconds >= 1)),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
