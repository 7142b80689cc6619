import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const PROCESS_TOKEN = 'process-test-admin-token-0123456789';

/** A port nobody listens on right now (the OS picks it; the process binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface CommandResponse { id: string; streamId: string; revision: number; position: number }
export interface Answer {
  status: number; body: any; headers: Headers;
  /** Attempts that got no answer (connection refused or reset, 503) before this one. */
  unanswered?: number;
}

/**
 * A real ledger process (the API or the worker) started from the TypeScript sources, as `npm start`
 * would run the build: its own PID, its own event loop, its own connections. Output is kept for failures.
 */
export class LedgerProcess {
  private output = '';
  private exited: Promise<number | null>;

  private constructor(readonly name: string, private child: ChildProcess, readonly port: number,
    private readonly entry: string, private readonly env: NodeJS.ProcessEnv) {
    this.exited = this.watch(child);
  }

  static async api(name: string, env: Record<string, string>): Promise<LedgerProcess> {
    const port = await freePort();
    const proc = new LedgerProcess(name, launch('apps/api/src/main.ts', { ...env, PORT: String(port) }), port,
      'apps/api/src/main.ts', { ...env, PORT: String(port) });
    await proc.ready('/api/v1/health');
    return proc;
  }

  static async worker(name: string, env: Record<string, string>): Promise<LedgerProcess> {
    const port = await freePort();
    const proc = new LedgerProcess(name, launch('apps/worker/src/main.ts', { ...env, WORKER_HEALTH_PORT: String(port) }), port,
      'apps/worker/src/main.ts', { ...env, WORKER_HEALTH_PORT: String(port) });
    await proc.ready('/health');
    return proc;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed, in-flight requests die with the process. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (SIGTERM: shutdown hooks close runner, read model and store), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Starts the same program again on the same port, data and store. */
  async restart(): Promise<void> {
    this.child = launch(this.entry, this.env);
    this.exited = this.watch(this.child);
    await this.ready(this.entry.includes('worker') ? '/health' : '/api/v1/health');
  }

  async get(path: string): Promise<Answer> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${PROCESS_TOKEN}` } });
    return { status: response.status, body: await response.json().catch(() => undefined), headers: response.headers };
  }

  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PROCESS_TOKEN}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => undefined), headers: response.headers };
  }

  private watch(child: ChildProcess): Promise<number | null> {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  private async ready(path: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}${path}`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.child.kill('SIGKILL');
    throw new Error(`${this.name} did not become healthy within 60 s:\n${this.output}`);
  }
}

function launch(entry: string, env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TONGXIN_ADMIN_TOKEN: PROCESS_TOKEN, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A client that never gives up on a write: the same Idempotency-Key on every attempt, so a retry after a
 * lost answer (a killed process, a reset connection, a 503) is answered from the first attempt if it landed.
 * `targets` returns the process to try next (a client may alternate between API processes).
 */
export async function sendUntilAnswered(
  target: () => LedgerProcess, path: string, body: unknown, headers: Record<string, string>, deadlineMs = 60_000,
): Promise<Answer> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const answer = await target().post(path, body, headers);
      if (answer.status !== 503) return { ...answer, unanswered: attempt };
      lastError = new Error(`${answer.status} ${JSON.stringify(answer.body)}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
  }
  throw new Error(`POST ${path} not answered before the deadline: ${String(lastError)}`);
}

/** Every event in the global log, through GET /events in pages of 1000. */
export async function readWholeLog(proc: LedgerProcess): Promise<{ position: number; streamId: string; revision: number; type: string; data: any; metadata: any }[]> {
  const events: any[] = [];
  let after = 0;
  for (;;) {
    const answer = await proc.get(`/events?after=${after}&limit=1000`);
    if (answer.status !== 200) throw new Error(`GET /events answered ${answer.status}`);
    events.push(...answer.body.events);
    if (answer.body.events.length < 1000) return events;
    after = answer.body.events[answer.body.events.length - 1].position;
  }
}
