import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LedgerConfig } from '../../apps/api/src/config/config';
import { createApp } from '../../apps/api/src/create-app';
import { JOB_QUEUE } from '../../apps/api/src/jobs/tokens';
import type { JobName, JobOrigin, JobQueue } from '@tongxin/jobs';

export const TEST_TOKEN = 'test-admin-token-0123456789';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
  text: string;
}

/** A body sent as JSON: not absent, not already text or bytes. */
function isJson(body: unknown): boolean {
  return body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body);
}

/** One file as the multipart part `file`, as a browser form or `curl -F file=@…` sends it. */
export function multipartFile(file: Buffer, fileName: string): { payload: Buffer; contentType: string } {
  const boundary = `----tongxin${Date.now().toString(16)}`;
  const type = fileName.endsWith('.csv') ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A real app on a real SQLite store in a temp directory, driven through Fastify's in-process HTTP injection. */
export class LedgerTestApp {
  private constructor(
    readonly dir: string,
    readonly config: LedgerConfig,
    public app: NestFastifyApplication,
  ) {}

  /** `storeUrl` defaults to a SQLite file in the temp directory; read models stay in that directory either way. */
  static async start(options: {
    dir?: string; adminToken?: string | null; storeUrl?: string; readModelLocation?: string; failedAuth?: LedgerConfig['failedAuth'];
    /** The built web dashboard to serve at `/` (default: the repository's dist/dashboard). */
    dashboardDir?: string;
    /** Background-job settings (REDIS_URL and friends); by default jobs run in-process. */
    jobs?: Partial<Pick<LedgerConfig, 'redisUrl' | 'redisPrefix' | 'jobWorker' | 'jobRetry'>>;
  } = {}): Promise<LedgerTestApp> {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tongxin-e2e-'));
    const config = loadConfig({}, {
      storeUrl: options.storeUrl ?? `sqlite:${join(dir, 'tongxin.db')}`,
      ...(options.readModelLocation ? { readModelLocation: options.readModelLocation } : {}),
      ...(options.failedAuth ? { failedAuth: options.failedAuth } : {}),
      ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
      ...options.jobs,
      dataDir: dir,
      adminToken: options.adminToken === null ? undefined : (options.adminToken ?? TEST_TOKEN),
      port: 0,
    });
    const { app } = await createApp(config, false);
    return new LedgerTestApp(dir, config, app);
  }

  /** Closes the app and starts a new one on the same files: what a process restart does. */
  async restart(): Promise<void> {
    await this.app.close();
    const { app } = await createApp(this.config, false);
    this.app = app;
  }

  async stop(options: { keepFiles?: boolean } = {}): Promise<void> {
    await this.app.close();
    if (!options.keepFiles) rmSync(this.dir, { recursive: true, force: true });
  }

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const response = await this.app.getHttpAdapter().getInstance().inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(isJson(body) ? { 'content-type': 'application/json' } : {}), ...headers },
      payload: body === undefined ? undefined : isJson(body) ? JSON.stringify(body) : body as string | Buffer,
    });
    let parsed: unknown;
    try {
      parsed = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.statusCode, headers: response.headers, body: parsed, text: response.body };
  }

  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return this.request('POST', `/api/v1${url}`, body, headers);
  }

  get(url: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', `/api/v1${url}`, undefined, headers);
  }

  /** POST of one file as the multipart part `file`, as a browser form or `curl -F file=@…` sends it. */
  upload(url: string, file: Buffer, fileName: string, headers: Record<string, string> = {}): Promise<Reply> {
    const { payload, contentType } = multipartFile(file, fileName);
    return this.request('POST', `/api/v1${url}`, payload, { 'content-type': contentType, ...headers });
  }

  /** Polls GET /jobs/{id} until the job has finished (completed or failed); `seen` hears every view on the way. */
  async finished(jobId: string, seen: (job: any) => void = () => undefined, timeoutMs = 120_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let unavailable = 0;
    for (;;) {
      const reply = await this.get(`/jobs/${encodeURIComponent(jobId)}`);
      // 503 asks a client to retry later (Redis slow to answer under load); a few in a row are no failure.
      if (reply.status === 503 && ++unavailable <= 5) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      unavailable = 0;
      if (reply.status !== 200) throw new Error(`GET /jobs/${jobId} answered ${reply.status}: ${reply.text}`);
      seen(reply.body);
      if (reply.body.state === 'completed' || reply.body.state === 'failed') return reply.body;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${reply.body.state} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** POST that must succeed; returns the command response. */
  async ok(url: string, body?: unknown, headers?: Record<string, string>): Promise<{ id: string; streamId: string; revision: number; position: number }> {
    const reply = await this.post(url, body, headers);
    if (reply.status !== 200 && reply.status !== 201) {
      throw new Error(`POST ${url} answered ${reply.status}: ${reply.text}`);
    }
    return reply.body;
  }

  /** The app's JobQueue port (in-process, or BullMQ with REDIS_URL). */
  get jobs(): JobQueue {
    return this.app.get<JobQueue>(JOB_QUEUE);
  }

  /** Queues a job directly through the port (no processor needed to read it back: it stays queued). */
  async enqueueJob(name: JobName, id: string, payload: unknown, origin: JobOrigin): Promise<string> {
    return (await this.jobs.enqueue(name, id, payload, origin)).id;
  }

  async head(): Promise<number> {
    return (await this.get('/health')).body.position;
  }
}
