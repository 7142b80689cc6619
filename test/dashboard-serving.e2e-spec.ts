/**
 * The built dashboard at `/`: served without a token beside the API, index.html never cached and hashed assets for
 * good; without a build, `GET /` says how to make one. (The page itself is tested in a browser: dashboard.e2e-spec.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../apps/api/src/config/config';
import { LedgerTestApp } from './support/ledger-app';

const ROOT = join(__dirname, '..');

describe('serving the dashboard at /', () => {
  const dirs: string[] = [];
  const apps: LedgerTestApp[] = [];
  const start = async (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'tongxin-dashboard-files-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    const app = await LedgerTestApp.start({ dashboardDir: dir });
    apps.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of apps) await app.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html uncached and hashed assets for good, without a token, beside the API', async () => {
    const app = await start({ 'index.html': '<!doctype html><title>看板</title>', 'assets/index-Drn3AeR-.js': 'console.log(1)' });
    const index = await app.request('GET', '/', undefined, { authorization: '' });
    expect([index.status, index.headers['cache-control'], index.text]).toEqual([200, 'no-cache', '<!doctype html><title>看板</title>']);
    const asset = await app.request('GET', '/assets/index-Drn3AeR-.js', undefined, { authorization: '' });
    expect([asset.status, asset.headers['cache-control']]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await app.request('GET', '/assets/other.js', undefined, { authorization: '' })).status).toBe(404);
    expect((await app.request('GET', '/api/v1/stats/totals', undefined, { authorization: '' })).status).toBe(401);
    expect((await app.get('/stats/totals')).status).toBe(200);
    expect((await app.request('GET', '/docs-json', undefined, { authorization: '' })).status).toBe(200);
  });

  it('says how to build it when there is no build, and the API works as ever', async () => {
    const app = await start({});
    const reply = await app.request('GET', '/', undefined, { authorization: '' });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body.detail).toContain('npm run build');
    expect((await app.get('/health')).status).toBe(200);
  });

  it('defaults to the repository\'s dist/dashboard, or TONGXIN_DASHBOARD_DIR', () => {
    expect(loadConfig({}).dashboardDir).toBe(join(ROOT, 'dist', 'dashboard'));
    expect(loadConfig({ TONGXIN_DASHBOARD_DIR: '/srv/dashboard' }).dashboardDir).toBe('/srv/dashboard');
  });
});
