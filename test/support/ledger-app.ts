import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LedgerConfig } from '../../apps/api/src/config/config';
import { createApp } from '../../apps/api/src/create-app';

export const TEST_TOKEN = 'test-admin-token-0123456789';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
  text: string;
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
  } = {}): Promise<LedgerTestApp> {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tongxin-e2e-'));
    const config = loadConfig({}, {
      storeUrl: options.storeUrl ?? `sqlite:${join(dir, 'tongxin.db')}`,
      ...(options.readModelLocation ? { readModelLocation: options.readModelLocation } : {}),
      ...(options.failedAuth ? { failedAuth: options.failedAuth } : {}),
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
      headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
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

  /** POST that must succeed; returns the command response. */
  async ok(url: string, body?: unknown, headers?: Record<string, string>): Promise<{ id: string; streamId: string; revision: number; position: number }> {
    const reply = await this.post(url, body, headers);
    if (reply.status !== 200 && reply.status !== 201) {
      throw new Error(`POST ${url} answered ${reply.status}: ${reply.text}`);
    }
    return reply.body;
  }

  async head(): Promise<number> {
    return (await this.get('/health')).body.position;
  }
}
