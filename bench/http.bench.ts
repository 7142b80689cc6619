import 'reflect-metadata';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordActivityDto } from '../apps/api/src/activities/activity.dto';
import { loadConfig } from '../apps/api/src/config/config';
import { createApp } from '../apps/api/src/create-app';
import { ProblemFilter } from '../apps/api/src/http/problem.filter';
import { strictValidationPipe } from '../apps/api/src/http/validation';
import { throughputRatio, type BenchFigure } from './lib';

const execFileAsync = promisify(execFile);
const TOKEN = 'bench-admin-token-0123456789';
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const CONNECTIONS = 50;

/** The baseline: the same DTO, the same validation, the same adapter; it answers without storing anything. */
@Controller('api/v1/activities')
class BareActivitiesController {
  @Post()
  record(@Body() body: RecordActivityDto) {
    return { id: 'bare', streamId: 'activity-bare', revision: 0, position: 0, title: body.title.length };
  }
}

@Module({
  controllers: [BareActivitiesController],
  providers: [{ provide: APP_PIPE, useFactory: strictValidationPipe }, { provide: APP_FILTER, useClass: ProblemFilter }],
})
class BareModule {}

/**
 * The load tool runs in its own process (autocannon's CLI), so it does not share the server's event loop:
 * on 2 cores, one drives the load and the other serves, for the bare endpoint and the ledger alike.
 */
async function load(url: string): Promise<{ rps: number; non2xx: number; errors: number }> {
  const body = JSON.stringify({ orgUnitId: 'bench-village', title: '民族团结进步宣讲', category: 'lecture', venueType: 'community', occurredOn: '2026-05-01', participants: 42, beneficiaries: 10 });
  const { stdout } = await execFileAsync(process.execPath, [
    require.resolve('autocannon/autocannon.js'), '--json', '-c', String(CONNECTIONS), '-d', String(DURATION_S), '-m', 'POST',
    '-H', 'content-type=application/json', '-H', `authorization=Bearer ${TOKEN}`, '-b', body, url,
  ], { maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { requests: { average: number }; non2xx: number; errors: number };
  return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors };
}

export async function benchHttp(): Promise<BenchFigure[]> {
  const bare = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `${await bare.getUrl()}/api/v1/activities`.replace('[::1]', '127.0.0.1');
  const baseline = await load(bareUrl);
  await bare.close();

  const dir = mkdtempSync(join(tmpdir(), 'tongxin-bench-http-'));
  const config = loadConfig({}, { storeUrl: `sqlite:${join(dir, 'tongxin.db')}${process.env.BENCH_SQLITE_WRITER ? `?writer=${process.env.BENCH_SQLITE_WRITER}` : ''}`, dataDir: dir, adminToken: TOKEN, port: 0 });
  const { app } = await createApp(config, false);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await fetch(`${base}/api/v1/org-units`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ id: 'bench-village', name: '基准村', level: 'village' }),
  });
  const ledger = await load(`${base}/api/v1/activities`);
  await app.close();
  rmSync(dir, { recursive: true, force: true });

  const ratio = throughputRatio(ledger.rps, baseline.rps);
  return [{
    name: `HTTP POST /activities, validated and durable (autocannon -c ${CONNECTIONS} -d ${DURATION_S}, own process)`,
    value: Math.round(ledger.rps), unit: 'requests/s', baseline: Math.round(baseline.rps), ratio, target: '>= 0.7x bare Nest+Fastify validating the same DTO',
    met: ratio >= 0.7 && ledger.non2xx === 0,
    notes: `non-2xx: ledger ${ledger.non2xx}, bare ${baseline.non2xx}; errors: ${ledger.errors}/${baseline.errors}`,
  }];
}

if (require.main === module) benchHttp().then((r) => console.table(r));
