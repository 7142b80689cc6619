/**
 * PostgreSQL benchmark: the PostgreSQL event store against bare `pg` doing the same work in the same process,
 * each part on a database of its own (created from POSTGRES_URL, dropped at the end).
 *
 *   POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres node -r @swc-node/register bench/postgres.bench.ts
 */
import { benchAppends } from './postgres-appends.bench';
import { withDatabase } from './postgres-lib';
import { benchPgReplay, REPLAY_EVENTS } from './postgres-replay.bench';
import { formatRate, type BenchFigure } from './lib';

export async function benchPostgres(): Promise<BenchFigure[]> {
  const adminUrl = process.env.POSTGRES_URL;
  if (!adminUrl) throw new Error('benchPostgres needs POSTGRES_URL');
  const figures: BenchFigure[] = [];
  figures.push(...await withDatabase(adminUrl, 'appends', benchAppends));
  figures.push(...await withDatabase(adminUrl, 'replay', (url) => benchPgReplay(url, REPLAY_EVENTS)));
  return figures;
}

if (require.main === module) {
  benchPostgres().then((figures) => {
    for (const f of figures) {
      process.stdout.write(`${f.name}: ${formatRate(f.value)} ${f.unit} = ${f.ratio}x raw (${formatRate(f.baseline!)}) target ${f.target}: `
        + `${f.met ? 'met' : 'NOT met'} — ${f.notes}\n`);
    }
  }, (error) => {
    console.error(error);
    process.exit(1);
  });
}
