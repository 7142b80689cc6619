/**
 * Hours count under their activity's unit: an entry a county-A volunteer served at county B's activity is in B's
 * figures. Deciding on it (verify, reject) needs scope over both the volunteer's unit and the activity's, so neither
 * county alone can change the other's figures; their common parent can. Logging such an entry needs both too.
 */
import { LedgerTestApp, type Reply } from './support/ledger-app';
import { seedTwoCounties } from './support/two-counties';

let app: LedgerTestApp;
const secrets: Record<string, string> = {};
const TODAY = new Date().toISOString().slice(0, 10);

function as(caller: string, method: string, url: string, body?: unknown): Promise<Reply> {
  return app.request(method, `/api/v1${url}`, body, { authorization: `Bearer ${secrets[caller]}` });
}

/** A pending entry of the county-A volunteer at county B's activity, logged by the bootstrap admin. */
async function entryAtB(): Promise<string> {
  return (await app.ok('/volunteers/vol-a/hours', { activityId: 'act-b', servedOn: TODAY, minutes: 30 })).id;
}

async function minutesUnder(orgUnitId: string): Promise<{ logged: number; verified: number }> {
  const totals = (await app.get(`/stats/totals?orgUnitId=${orgUnitId}&minPosition=${await app.head()}`)).body;
  return { logged: totals.volunteerMinutesLogged, verified: totals.volunteerMinutesVerified };
}

beforeAll(async () => {
  app = await LedgerTestApp.start();
  await seedTwoCounties(app);
  await app.ok('/volunteers', { id: 'vol-a', orgUnitId: 'village-a', name: '阿依古丽' });
  await app.ok('/activities', { id: 'act-b', orgUnitId: 'village-b', title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 10 });
  for (const [caller, role, orgUnitId] of [
    ['organiser-a', 'organiser', 'county-a'], ['organiser-b', 'organiser', 'county-b'], ['organiser-city', 'organiser', 'city'],
    ['recorder-a', 'recorder', 'county-a'], ['recorder-b', 'recorder', 'county-b'],
  ]) {
    secrets[caller] = (await app.ok('/tokens', { name: caller, role, orgUnitId }) as unknown as { token: string }).token;
  }
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('deciding on an hour entry served at another unit\'s activity', () => {
  it.each(['organiser-a', 'organiser-b'])('refuses %s (one of the two units only) with 403 and changes no figure', async (caller) => {
    const entryId = await entryAtB();
    const before = { head: await app.head(), b: await minutesUnder('county-b') };
    for (const [action, body] of [['reject', { reason: '未到场' }], ['verify', {}]] as const) {
      const reply = await as(caller, 'POST', `/volunteers/vol-a/hours/${entryId}/${action}`, body);
      expect({ action, status: reply.status }).toEqual({ action, status: 403 });
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await app.head()).toBe(before.head);
    expect(await minutesUnder('county-b')).toEqual(before.b);
  });

  it('lets an organiser over both units verify and reject it', async () => {
    const entryId = await entryAtB();
    const logged = await app.head();
    expect((await as('organiser-city', 'POST', `/volunteers/vol-a/hours/${entryId}/verify`, {})).status).toBe(200);
    const before = await minutesUnder('county-b');
    expect((await as('organiser-city', 'POST', `/volunteers/vol-a/hours/${entryId}/reject`, { reason: '未到场' })).status).toBe(200);
    expect(await minutesUnder('county-b')).toEqual({ logged: before.logged - 30, verified: before.verified - 30 });
    // The activity's unit finds what moved its figures among its changes.
    const changes = await as('organiser-b', 'GET', `/stats/changes?minPosition=${await app.head()}`);
    expect(changes.body.changes).toContainEqual(expect.objectContaining({ kind: 'rejection', entity: expect.objectContaining({ id: entryId }) }));
    // And in its log: the decisions are filed where the entry counts, as the entry itself is.
    const seenByB = (await as('organiser-b', 'GET', `/events?after=${logged}`)).body.events;
    expect(seenByB.map((event: { type: string }) => event.type)).toEqual(['HoursVerified', 'HoursRejected']);
    expect((await as('organiser-a', 'GET', `/events?after=${logged}`)).body.events).toEqual([]);
  });

  it('still lets the volunteer\'s organiser decide on an entry without an activity (it counts under the volunteer\'s unit)', async () => {
    const entryId = (await app.ok('/volunteers/vol-a/hours', { servedOn: TODAY, minutes: 15 })).id;
    expect((await as('organiser-a', 'POST', `/volunteers/vol-a/hours/${entryId}/verify`, {})).status).toBe(200);
  });
});

describe('logging and reading such entries', () => {
  it.each(['recorder-a', 'recorder-b'])('refuses %s logging at an activity or for a volunteer outside its scope, appending nothing', async (caller) => {
    const before = await app.head();
    const reply = await as(caller, 'POST', '/volunteers/vol-a/hours', { activityId: 'act-b', servedOn: TODAY, minutes: 20 });
    expect(reply.status).toBe(403);
    expect(await app.head()).toBe(before);
  });

  it('shows the entry to the volunteer\'s unit with the volunteer, and to the activity\'s unit in its log and figures', async () => {
    const entryId = await entryAtB();
    const volunteer = await as('organiser-a', 'GET', '/volunteers/vol-a');
    expect(volunteer.body.entries).toContainEqual(expect.objectContaining({ entryId, activityId: 'act-b', orgUnitId: 'village-b' }));
    expect((await as('organiser-b', 'GET', '/volunteers/vol-a')).status).toBe(403);
    const seenByB = (await as('organiser-b', 'GET', `/events?after=${(await app.head()) - 1}`)).body.events;
    expect(seenByB).toEqual([expect.objectContaining({ type: 'HoursLogged', data: expect.objectContaining({ entryId }) })]);
    const seenByA = (await as('organiser-a', 'GET', `/events?after=${(await app.head()) - 1}`)).body.events;
    expect(seenByA).toEqual([]);
  });
});
