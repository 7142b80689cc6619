/**
 * Run as a child process by sheet-limits.int-spec.ts: parses one file as an import of a kind and prints, as JSON, the
 * outcome and the process's peak RSS — the memory a parse costs, apart from the test runner's own.
 */
import { readFileSync } from 'node:fs';
import { parseImport } from '../parse-import';
import type { ImportKind } from '../columns';

async function main(): Promise<void> {
  const [file, kind, format] = process.argv.slice(2);
  const buffer = readFileSync(file);
  const baselineMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const started = Date.now();
  const parsed = await parseImport(buffer, (format ?? 'xlsx') as 'xlsx', kind as ImportKind);
  const outcome = parsed.ok
    ? { ok: true, rows: parsed.rows.length, rowsWithErrors: parsed.rowsWithErrors }
    : { ok: false, problems: parsed.problems };
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ...outcome, baselineMiB, peakRssMiB, ms: Date.now() - started })}\n`);
}

void main();
