/** GET /me: the caller's role and the org unit its scope starts at, so a client can name what it is looking at. */
import { LedgerTestApp } from './support/ledger-app';

describe('GET /me', () => {
  let app: LedgerTestApp;

  beforeAll(async () => {
    app = await LedgerTestApp.start();
    await app.ok('/org-units', { id: 'huaihua', name: '怀化市', level: 'city' });
    await app.ok('/org-units', { id: 'mayang', name: '麻阳苗族自治县', level: 'county', parentId: 'huaihua' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('given an organiser of a county, when it asks, then it learns its role and its county with the path from the root', async () => {
    const issued = await app.post('/tokens', { name: '麻阳县组织者', role: 'organiser', orgUnitId: 'mayang' });
    const me = await app.get('/me', { authorization: `Bearer ${issued.body.token}` });
    expect([me.status, me.body]).toEqual([200, {
      tokenId: issued.body.id, role: 'organiser',
      orgUnit: { id: 'mayang', name: '麻阳苗族自治县', level: 'county', path: ['huaihua', 'mayang'] },
    }]);
  });

  it('given the bootstrap admin, when it asks, then its scope is the whole ledger (no org unit)', async () => {
    const me = await app.get('/me');
    expect([me.status, me.body]).toEqual([200, { tokenId: 'admin', role: 'admin', orgUnit: null }]);
  });

  it('given no token, when asked, then 401 problem+json', async () => {
    const reply = await app.request('GET', '/api/v1/me', undefined, { authorization: '' });
    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
