/**
 * Run in a child process by import-memory.e2e-spec.ts: the whole API (SQLite, jobs in-process) takes each file given
 * as an import of activities, as a client would (upload, then poll the job); prints, as JSON, each upload's outcome and
 * the process's peak RSS — the server's own memory, apart from the test runner's.
 */
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../apps/api/src/config/config';
import { createApp } from '../../apps/api/src/create-app';
import { multipartFile } from './ledger-app';

const TOKEN = 'memory-admin-token-0123456789';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-import-memory-'));
  const config = loadConfig({}, { storeUrl: `sqlite:${join(dir, 'tongxin.db')}`, dataDir: dir, adminToken: TOKEN, port: 0 });
  const { app } = await createApp(config, false);
  const http = app.getHttpAdapter().getInstance();
  const send = async (method: 'GET' | 'POST', url: string, payload?: string | Buffer, contentType = 'application/json') => {
    const reply = await http.inject({ method, url: `/api/v1${url}`, payload, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType } });
    return { status: reply.statusCode, body: JSON.parse(reply.body) as Record<string, any> };
  };
  try {
    await send('POST', '/org-units', JSON.stringify({ id: 'xinying-village', name: '新营村', level: 'village' }));
    await send('POST', '/campaigns', JSON.stringify({ id: 'hecheng-unity-month', name: '民族团结进步月', orgUnitId: 'xinying-village' }));
    const baselineMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const outcomes = [];
    for (const path of process.argv.slice(2)) {
      const { payload, contentType } = multipartFile(readFileSync(path), 'activities.xlsx');
      const started = await send('POST', '/imports?kind=activities', payload, contentType);
      if (started.status !== 202) {
        outcomes.push({ status: started.status, code: started.body.code });
        continue;
      }
      let job: Record<string, any>;
      do {
        await new Promise((resolve) => setTimeout(resolve, 250));
        job = (await send('GET', `/jobs/${encodeURIComponent(started.body.id)}`)).body;
      } while (job.state !== 'completed' && job.state !== 'failed');
      outcomes.push({ status: 202, state: job.state, refusedRows: job.error?.details?.refusedRows, errorCount: job.error?.details?.errorCount });
    }
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(`${JSON.stringify({ outcomes, baselineMiB, peakRssMiB })}\n`);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
