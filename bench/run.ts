import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchHttp } from './http.bench';
import { benchImports } from './imports.bench';
import { benchLongCampaign } from './long-campaign.bench';
import { benchPostgres } from './postgres.bench';
import { benchRebuild } from './rebuild.bench';
import { formatRate, type BenchFigure } from './lib';
import { benchReplay } from './replay.bench';
import { benchStore } from './store.bench';

/**
 * `npm run bench`: every figure beside a raw baseline measured in the same process, written to
 * bench/RESULTS.md with the date. `BENCH_ONLY=store,http,imports,replay,rebuild,postgres,campaign` runs a subset;
 * postgres runs only when POSTGRES_URL is set. BENCH_REBUILD_EVENTS=1000000,5000000 sets the rebuild's log lengths
 * (the first one also answers the asOf queries).
 */
async function main(): Promise<void> {
  const only = new Set((process.env.BENCH_ONLY ?? 'store,http,imports,replay,rebuild,postgres,campaign').split(','));
  const figures: BenchFigure[] = [];
  const parts: [string, () => Promise<BenchFigure[]>][] = [
    ['store', benchStore], ['http', benchHttp], ['imports', benchImports], ['replay', () => benchReplay(Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000))],
    ['rebuild', () => benchRebuild((process.env.BENCH_REBUILD_EVENTS ?? '1000000,5000000').split(',').map(Number))],
    ['postgres', benchPostgres], ['campaign', benchLongCampaign],
  ];
  for (const [name, run] of parts) {
    if (!only.has(name)) continue;
    if (name === 'postgres' && !process.env.POSTGRES_URL) {
      process.stdout.write('== postgres: skipped (set POSTGRES_URL to run it)\n');
      continue;
    }
    process.stdout.write(`== ${name}\n`);
    const result = await run();
    for (const f of result) {
      process.stdout.write(`${f.name}: ${formatRate(f.value)} ${f.unit}` + (f.ratio !== undefined ? ` = ${f.ratio}x raw (${formatRate(f.baseline!)})` : '') + (f.target ? ` target ${f.target}: ${f.met ? 'met' : 'NOT met'}` : '') + (f.notes ? ` — ${f.notes}` : '') + '\n');
    }
    figures.push(...result);
  }
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `## ${date} — Node ${process.version}, ${require('node:os').cpus().length} cores`,
    '',
    '| figure | project | raw baseline | ratio | target | met |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...figures.map((f) => `| ${f.name} | ${formatRate(f.value)} ${f.unit} | ${f.baseline !== undefined ? formatRate(f.baseline) : '—'} | ${f.ratio !== undefined ? `${f.ratio}×` : '—'} | ${f.target ?? '—'} | ${f.met === undefined ? '—' : f.met ? 'yes' : 'no'} |`),
    '',
    ...figures.filter((f) => f.notes).map((f) => `- ${f.name}: ${f.notes}`),
    '',
  ];
  const out = join(__dirname, 'RESULTS.md');
  if (!existsSync(out)) writeFileSync(out, '# Benchmark results\n\nWritten by `npm run bench`; newest run last. Ratios compare with a raw baseline run in the same process.\n\n');
  appendFileSync(out, lines.join('\n') + '\n');
  process.stdout.write(`\nappended to ${out}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
