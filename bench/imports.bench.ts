import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '../apps/api/src/config/config';
import { createApp } from '../apps/api/src/create-app';
import { parseImport, writeXlsx, type FixtureRow } from '../libs/imports/src';
import { NO_STREAM } from '../libs/event-store/src/event-store';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { formatRate, peakRssMiB, throughputRatio, type BenchFigure } from './lib';

const TOKEN = 'bench-admin-token-0123456789';
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const TARGET_ROWS_PER_S = 5_000;
const VILLAGES = ['v1', 'v2', 'v3', 'v4'];
/** As many appends in flight as the import job keeps (CONCURRENT_ROWS), so the baseline gets the same group commits. */
const IN_FLIGHT = 128;

function rows(): FixtureRow[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    orgUnitId: VILLAGES[i % VILLAGES.length], campaignId: 'unity', title: `民族团结进步宣讲第${i}场`, category: '宣讲',
    venueType: '村/社区', occurredOn: `2026-0${1 + (i % 9)}-1${i % 10}`, participants: 10 + (i % 90), beneficiaries: i % 50,
  }));
}

/**
 * The raw baseline, in this process: the same file parsed and converted by the same library, then one event per row
 * appended straight to a SQLite store (48 in flight) — no DTO checks, references, scope, idempotency records or job.
 */
async function raw(dir: string, file: Buffer): Promise<number> {
  const store = new SqliteEventStore(join(dir, 'raw.db'));
  try {
    const started = process.hrtime.bigint();
    const parsed = await parseImport(file, 'xlsx', 'activities');
    if (!parsed.ok) throw new Error('the bench file did not parse');
    let next = 0;
    const worker = async () => {
      while (next < parsed.rows.length) {
        const row = parsed.rows[next++];
        const id = uuidv7();
        await store.appendToStream(`activity-${id}`, [{
          type: 'ActivityRecorded', data: { activityId: id, ...row.body },
          metadata: { actor: 'bench', commandId: id, correlationId: id, orgUnitId: String(row.body.orgUnitId), schemaVersion: 1 },
        }], { expectedRevision: NO_STREAM });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return ROWS / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await store.close();
  }
}

/** The whole path: POST /imports (multipart) to the job's completion, polled as a client would, jobs in-process. */
async function project(dir: string, file: Buffer): Promise<{ rate: number; seconds: number }> {
  const config = loadConfig({}, { storeUrl: `sqlite:${join(dir, 'tongxin.db')}`, dataDir: dir, adminToken: TOKEN, port: 0 });
  const { app } = await createApp(config, false);
  const http = app.getHttpAdapter().getInstance();
  const call = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const reply = await http.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: body === undefined ? undefined : JSON.stringify(body) });
    return JSON.parse(reply.body) as Record<string, any>;
  };
  try {
    await call('POST', '/org-units', { id: 'city', name: '怀化市', level: 'city' });
    for (const id of VILLAGES) await call('POST', '/org-units', { id, name: id, level: 'village', parentId: 'city' });
    await call('POST', '/campaigns', { id: 'unity', name: '民族团结进步创建', orgUnitId: 'city' });
    const boundary = '----tongxinbench';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="activities.xlsx"\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const started = process.hrtime.bigint();
    const accepted = await http.inject({
      method: 'POST', url: '/api/v1/imports?kind=activities', payload,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    const { id } = JSON.parse(accepted.body) as { id: string };
    let job: Record<string, any>;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = await call('GET', `/jobs/${id}`);
    } while (job.state !== 'completed' && job.state !== 'failed');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (job.state !== 'completed' || job.result.recorded !== ROWS) throw new Error(`the import ended ${job.state}: ${JSON.stringify(job.error ?? job.result).slice(0, 500)}`);
    return { rate: ROWS / seconds, seconds };
  } finally {
    await app.close();
  }
}

/** Issue 6 §6: rows/s of an XLSX import end to end. */
export async function benchImports(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-bench-imports-'));
  try {
    const file = await writeXlsx('activities', rows(), 'zh-CN', { sharedStrings: true });
    const baseline = await raw(dir, file);
    console.log(`raw: ${formatRate(baseline)} rows/s`);
    const { rate, seconds } = await project(dir, file);
    console.log(`import: ${formatRate(rate)} rows/s (${seconds.toFixed(1)} s)`);
    return [{
      name: `XLSX import of ${formatRate(ROWS)} activities, end to end (POST /imports to the job's completion, jobs in-process)`,
      value: Math.round(rate), unit: 'rows/s', baseline: Math.round(baseline), ratio: throughputRatio(rate, baseline),
      target: `>= ${formatRate(TARGET_ROWS_PER_S)} rows/s`, met: rate >= TARGET_ROWS_PER_S,
      notes: `file ${(file.length / 1024 / 1024).toFixed(1)} MiB (shared strings, as Excel saves); every row checked with the API's DTO, `
        + `its org unit and campaign, then recorded through RecordActivity with an Idempotency-Key, ${IN_FLIGHT} in flight; `
        + `raw = the same file parsed by @tongxin/imports and one event per row appended straight to a SQLite store, ${IN_FLIGHT} in flight; peak RSS ${peakRssMiB()} MiB`,
    }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
