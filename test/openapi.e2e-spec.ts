/**
 * The OpenAPI document as `npm start` serves it. Field types come from @nestjs/swagger's compiler plugin, which runs
 * only in `nest build` (tsc), not under Jest's swc: so the app is built with nest-cli.json's plugin into a temp
 * directory and started as its own process, and the document it serves at /docs-json is what is checked.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { LedgerTestApp } from './support/ledger-app';
import { freePort } from './support/processes';

const ROOT = join(__dirname, '..');
const TOKEN = 'openapi-test-admin-token-0123456789';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface OpenApiDocument { openapi: string; paths: Record<string, Record<string, unknown>>; [key: string]: unknown }

/** Builds the API as `npm run build` does (nest build, nest-cli.json's plugins), into `outDir`. */
async function buildApi(dir: string): Promise<string> {
  const outDir = join(dir, 'dist');
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(ROOT, 'tsconfig.build.json'),
    compilerOptions: { outDir, typeRoots: [join(ROOT, 'node_modules', '@types')] },
  }));
  // nest build reads --path relative to the workspace it runs in.
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', 'api',
    '--path', relative(ROOT, tsconfig)], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  return join(outDir, 'apps', 'api', 'src', 'main.js');
}

/** The built API on its own port and SQLite file, with nothing of the caller's environment but PATH. */
async function startBuilt(main: string, dir: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      // The build sits outside the repository; its packages are the repository's.
      NODE_PATH: join(ROOT, 'node_modules'),
      PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), TONGXIN_STORE: `sqlite:${join(dir, 'tongxin.db')}`,
      TONGXIN_ADMIN_TOKEN: TOKEN, TONGXIN_DASHBOARD_DIR: join(dir, 'no-dashboard'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const health = await fetch(`${base}/api/v1/health`).catch(() => undefined);
    if (health?.ok) return { child, base };
    if (child.exitCode !== null || tries > 300) throw new Error(`the built API did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every schema object with an `enum`, wherever it sits in the document, with where it sits. */
function enumSchemas(node: Json, at = ''): { at: string; schema: { [key: string]: Json } }[] {
  if (node === null || typeof node !== 'object') return [];
  const here = !Array.isArray(node) && Array.isArray(node.enum) ? [{ at, schema: node }] : [];
  const below = Object.entries(node).flatMap(([key, child]) => enumSchemas(child as Json, `${at}/${key}`));
  return [...here, ...below];
}

/** What Fastify routes, as `METHOD /path/{param}`, from its own route tree (HEAD twins of GET left out). */
function registeredRoutes(tree: string): string[] {
  const segments: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const node = /^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!node) continue;
    const depth = node[1].length / 4;
    segments.length = depth;
    segments.push(node[2]);
    const path = segments.join('').replace(/\/+/g, '/').replace(/:(\w+)/g, '{$1}');
    for (const method of (node[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m && m !== 'HEAD')) {
      routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

describe('the OpenAPI document npm start serves', () => {
  let dir: string;
  let api: ChildProcess | undefined;
  let document: OpenApiDocument;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongxin-openapi-'));
    const started = await startBuilt(await buildApi(dir), dir);
    api = started.child;
    const reply = await fetch(`${started.base}/docs-json`);
    expect(reply.status).toBe(200);
    document = await reply.json() as OpenApiDocument;
  }, 300_000);

  afterAll(() => {
    api?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a valid OpenAPI document', async () => {
    // validate() dereferences in place; the copy keeps `document` as served.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('types every query and path parameter as the text it arrives as, never an object', () => {
    const wrong = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { parameters?: { name: string; in: string; schema?: { type?: string; $ref?: string } }[] }>)
        .flatMap(([method, operation]) => (operation.parameters ?? [])
          .filter((parameter) => parameter.in !== 'body' && (parameter.schema?.$ref !== undefined || parameter.schema?.type === 'object'))
          .map((parameter) => `${method.toUpperCase()} ${path} ${parameter.in} ${parameter.name}: ${JSON.stringify(parameter.schema)}`)));
    expect(wrong).toEqual([]);
    const by = (document.paths['/api/v1/stats/breakdown'].get as { parameters: { name: string; schema: object }[] }).parameters
      .find((parameter) => parameter.name === 'by');
    expect(by?.schema).toMatchObject({ type: 'string', enum: expect.arrayContaining(['orgUnit', 'month']) });
  });

  it('types every field with fixed choices as its choices are: strings as string, never object', () => {
    const wrong = enumSchemas(document as unknown as Json).filter(({ schema }) => {
      const values = schema.enum as Json[];
      const kinds = new Set(values.map((value) => (typeof value === 'number' ? 'number' : typeof value)));
      return schema.type === 'object' || schema.type === undefined
        || (kinds.size === 1 && kinds.has('string') && schema.type !== 'string');
    }).map(({ at, schema }) => `${at}: ${JSON.stringify(schema)}`);
    expect(wrong).toEqual([]);
    // The body fields with fixed choices, each named so a lost one shows.
    const schemas = (document.components as { schemas: Record<string, { properties: Record<string, { type?: string; enum?: string[] }> }> }).schemas;
    for (const [dto, field] of [
      ['RegisterOrgUnitDto', 'level'], ['RecordActivityDto', 'category'], ['RecordActivityDto', 'venueType'],
      ['CorrectActivityDto', 'category'], ['CorrectActivityDto', 'venueType'], ['DonorDto', 'kind'],
      ['ReceiveDonationDto', 'kind'], ['ReceiveDonationDto', 'method'], ['IssueTokenDto', 'role'],
    ]) {
      expect({ dto, field, ...schemas[dto].properties[field] }).toMatchObject({ type: 'string', enum: expect.any(Array) });
    }
  });

  it('describes every route the app registers under /api/v1', async () => {
    const ledger = await LedgerTestApp.start();
    try {
      const tree = ledger.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
      const routes = registeredRoutes(tree).filter((route) => route.split(' ')[1].startsWith('/api/v1/'));
      expect(routes.length).toBeGreaterThan(30);
      const described = Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).filter((key) => HTTP_METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`));
      expect(routes.filter((route) => !described.includes(route))).toEqual([]);
    } finally {
      await ledger.stop();
    }
  });
});
