import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerTestApp } from './support/ledger-app';
import { runCli } from './support/cli';

const TODAY = new Date().toISOString().slice(0, 10);

/** Tokens (CONTRACT §6): issued once, kept as a hash, revoked at once; guessing is slowed; the CLI manages them too. */
describe('access tokens', () => {
  jest.setTimeout(60_000);
  let app: LedgerTestApp;

  beforeAll(async () => {
    app = await LedgerTestApp.start({ failedAuth: { failures: 3, windowSeconds: 60, blockSeconds: 30 } });
    await app.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
    await app.ok('/org-units', { id: 'county', name: '麻阳县', level: 'county', parentId: 'city' });
    await app.ok('/org-units', { id: 'village', name: '新营村', level: 'village', parentId: 'county' });
  });
  afterAll(async () => app?.stop());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('shows the secret once, keeps only its hash (not in the vault file, not in the log), and records who issued what', async () => {
    const issued = await app.post('/tokens', { id: 'org-1', name: '县级组织者', role: 'organiser', orgUnitId: 'county' });
    expect(issued.status).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    expect(issued.body).toMatchObject({ id: 'org-1', role: 'organiser', orgUnitId: 'county', name: '县级组织者' });
    const secret: string = issued.body.token;
    expect(secret).toMatch(/^tx_[A-Za-z0-9_-]{43}$/);

    const vault = ['', '-wal'].map((suffix) => {
      try {
        return readFileSync(join(app.dir, `tongxin-vault.db${suffix}`)).toString('latin1');
      } catch {
        return '';
      }
    }).join('');
    expect(vault).toContain('org-1');
    expect(vault).not.toContain(secret);

    const stream = await app.get('/streams/token-org-1');
    expect(stream.body.events).toMatchObject([{ type: 'TokenIssued', data: { tokenId: 'org-1', role: 'organiser', orgUnitId: 'county', orgPath: ['city', 'county'] } }]);
    expect(stream.text).not.toContain(secret);

    // The organiser works inside its scope, and its events name its token as the actor.
    const recorded = await app.post('/activities', {
      orgUnitId: 'village', title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 3,
    }, as(secret));
    expect(recorded.status).toBe(201);
    const activity = await app.get(`/streams/${recorded.body.streamId}`);
    expect(activity.body.events[0].metadata.actor).toBe('org-1');
  });

  it('lets an organiser issue recorder and analyst tokens inside its scope only, and lists only its scope', async () => {
    const organiser = (await app.post('/tokens', { name: '组织者', role: 'organiser', orgUnitId: 'county' })).body.token as string;
    const recorder = await app.post('/tokens', { name: '信息员', role: 'recorder', orgUnitId: 'village' }, as(organiser));
    expect(recorder.status).toBe(201);
    expect((await app.post('/tokens', { name: '越权', role: 'organiser', orgUnitId: 'village' }, as(organiser))).status).toBe(403);
    expect((await app.post('/tokens', { name: '越界', role: 'analyst', orgUnitId: 'city' }, as(organiser))).status).toBe(403);
    expect((await app.post('/tokens', { name: '不存在', role: 'analyst', orgUnitId: 'nowhere' })).status).toBe(422);

    const listed = await app.get('/tokens', as(organiser));
    expect(listed.status).toBe(200);
    const units = new Set(listed.body.tokens.map((t: { orgUnitId: string }) => t.orgUnitId));
    expect([...units].every((unit) => unit === 'county' || unit === 'village')).toBe(true);
    expect(listed.text).not.toMatch(/tx_|sha256/);
  });

  it('stops a revoked token on its very next request, in this process and in another one on the same files', async () => {
    const issued = await app.post('/tokens', { name: '分析员', role: 'analyst', orgUnitId: 'county' });
    const secret = issued.body.token as string;
    const other = await LedgerTestApp.start({ dir: app.dir });
    try {
      expect((await app.get('/stats/totals', as(secret))).status).toBe(200);
      expect((await other.get('/stats/totals', as(secret))).status).toBe(200);
      const revoked = await app.request('DELETE', `/api/v1/tokens/${issued.body.id}`);
      expect(revoked.status).toBe(204);
      expect((await app.get('/stats/totals', as(secret))).status).toBe(401);
      expect((await other.get('/stats/totals', as(secret))).status).toBe(401);
      // Revoking again changes nothing; the log holds one TokenRevoked.
      expect((await app.request('DELETE', `/api/v1/tokens/${issued.body.id}`)).status).toBe(204);
      const stream = await app.get(`/streams/token-${issued.body.id}`);
      expect(stream.body.events.map((e: { type: string }) => e.type)).toEqual(['TokenIssued', 'TokenRevoked']);
      expect((await app.request('DELETE', '/api/v1/tokens/never-issued')).status).toBe(404);
    } finally {
      await other.app.close();
    }
  });

  it('answers a guessing address with 429 and Retry-After, before looking at its tokens; other addresses go on', async () => {
    const guess = (remoteAddress: string, token = 'tx_guess') => app.app.getHttpAdapter().getInstance()
      .inject({ method: 'GET', url: '/api/v1/stats/totals', remoteAddress, headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) expect((await guess('10.0.0.9')).statusCode).toBe(401);
    const blocked = await guess('10.0.0.9');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Even a good token from the blocked address waits: the address learns nothing more.
    expect((await guess('10.0.0.9', 'test-admin-token-0123456789')).statusCode).toBe(429);
    expect((await guess('10.0.0.10', 'test-admin-token-0123456789')).statusCode).toBe(200);
  });

  it('refuses a body over 1 MiB with 413 before anything is decided', async () => {
    const before = await app.head();
    const reply = await app.post('/tokens', { name: 'x'.repeat(1024 * 1024 + 10), role: 'analyst', orgUnitId: 'county' });
    expect(reply.status).toBe(413);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await app.head()).toBe(before);
  });
});

describe('tongxin tokens', () => {
  jest.setTimeout(90_000);
  let app: LedgerTestApp;

  beforeAll(async () => {
    app = await LedgerTestApp.start();
    await app.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
  });
  afterAll(async () => app?.stop());

  it('creates, lists and revokes tokens that the running API honours at once', async () => {
    const store = ['--store', app.config.storeUrl];
    const env = { TONGXIN_DATA_DIR: app.dir };
    const created = await runCli(['tokens', 'create', '--role', 'organiser', '--org-unit', 'city', '--name', '市级组织者', '--json', ...store], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout) as { id: string; token: string; role: string };
    expect(token.role).toBe('organiser');
    expect((await app.get('/stats/totals', { authorization: `Bearer ${token.token}` })).status).toBe(200);

    const listed = await runCli(['tokens', 'list', ...store], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(token.id);
    expect(listed.stdout).toContain('市级组织者');
    expect(listed.stdout).not.toContain(token.token);

    const revoked = await runCli(['tokens', 'revoke', token.id, '--reason', '人员调动', ...store], env);
    expect(revoked.code).toBe(0);
    expect((await app.get('/stats/totals', { authorization: `Bearer ${token.token}` })).status).toBe(401);
    const stream = await app.get(`/streams/token-${token.id}`);
    expect(stream.body.events).toMatchObject([
      { type: 'TokenIssued', metadata: { actor: 'cli' } }, { type: 'TokenRevoked', data: { reason: '人员调动' }, metadata: { actor: 'cli' } },
    ]);

    const refused = await runCli(['tokens', 'create', '--role', 'recorder', '--name', '无单位', ...store], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('must be bound to an org unit');
  });
});
