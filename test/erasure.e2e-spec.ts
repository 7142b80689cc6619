import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { filesContaining, jsonForms, sqliteFiles } from '../libs/privacy/src/testing/raw-bytes';
import { runCli } from './support/cli';
import { describeOnEveryStore, type OpenedLedger } from './support/every-store';

const TODAY = new Date().toISOString().slice(0, 10);
const NAME = '阿依古丽·买买提';
const PHONE = '13912345678';
const KEPT = '热依汗古丽';

/**
 * A volunteer asks to be forgotten (issue 5 point 4): after POST /volunteers/{id}/erase the events stay and every
 * total is the same, while the name and phone are null in the API, /events, /streams and exports, and appear in plain
 * text nowhere in the store's files (SQLite) or tables (PostgreSQL) — before or after.
 */
describeOnEveryStore('tongxin_e2e_erasure', (engine, open) => {
  describe(`erasing a volunteer on ${engine}`, () => {
    jest.setTimeout(90_000);
    let opened: OpenedLedger;
    const app = () => opened.ledger;

    beforeAll(async () => {
      opened = await open();
      await app().ok('/org-units', { id: 'county', name: '麻阳县', level: 'county' });
      await app().ok('/org-units', { id: 'village', name: '新营村', level: 'village', parentId: 'county' });
      await app().ok('/activities', { id: 'a1', orgUnitId: 'village', title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 20 });
      await app().ok('/volunteers', { id: 'v1', orgUnitId: 'village', name: NAME, phone: PHONE });
      await app().ok('/volunteers', { id: 'v2', orgUnitId: 'village', name: KEPT, phone: '13700000000' });
      for (const volunteer of ['v1', 'v2']) {
        const entry = await app().ok(`/volunteers/${volunteer}/hours`, { activityId: 'a1', servedOn: TODAY, minutes: 90 });
        await app().ok(`/volunteers/${volunteer}/hours/${entry.id}/verify`);
      }
    });
    afterAll(async () => {
      await app()?.stop();
      await opened?.dropStore();
    });

    /** Every row of every table of the store's database (the log, the read model and the vault), as text. */
    async function postgresText(): Promise<string> {
      const client = new Client({ connectionString: app().config.storeUrl });
      await client.connect();
      try {
        const { rows: tables } = await client.query<{ schema: string; name: string }>(
          "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'");
        let text = '';
        for (const { schema, name } of tables) {
          const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${name}" t`);
          text += rows.map((r) => r.row).join('\n');
        }
        return text;
      } finally {
        await client.end();
      }
    }

    /** Where the plain name or phone can be found at rest: file names (SQLite) or table rows (PostgreSQL). */
    async function plainTextAtRest(value: string): Promise<string[]> {
      if (engine === 'SQLite') {
        const files = readdirSync(app().dir).filter((f) => f.endsWith('.db')).flatMap((f) => sqliteFiles(join(app().dir, f)));
        expect(files.length).toBeGreaterThanOrEqual(3);
        return jsonForms(value).flatMap((form) => filesContaining(files, form));
      }
      const text = await postgresText();
      return jsonForms(value).filter((form) => text.includes(form));
    }

    it('never stores the name or phone in plain text, yet shows them to an admin until the erase', async () => {
      for (const value of [NAME, PHONE]) expect(await plainTextAtRest(value)).toEqual([]);
      expect(await plainTextAtRest('新营村')).not.toEqual([]); // the search does find stored Chinese text
      expect((await app().get('/volunteers/v1')).body).toMatchObject({ name: NAME, phone: PHONE, erased: false });
    });

    it('keeps every event and total, and leaves the name and phone unreadable everywhere', async () => {
      const head = await app().head();
      const totals = (await app().get(`/stats/totals?minPosition=${head}`)).body;
      const events = (await app().get('/streams/volunteer-v1')).body.events.length;

      const erased = await app().post('/volunteers/v1/erase', { reason: '本人申请注销' });
      expect(erased.status).toBe(200);
      expect((await app().post('/volunteers/v1/erase', { reason: '再次申请' })).status).toBe(409);

      const after = await app().head();
      expect((await app().get(`/stats/totals?minPosition=${after}`)).body).toEqual({ ...totals, position: after });
      const stream = (await app().get('/streams/volunteer-v1')).body.events;
      expect(stream).toHaveLength(events + 1);
      expect(stream.at(-1)).toMatchObject({ type: 'VolunteerErased', data: { volunteerId: 'v1', reason: '本人申请注销' } });

      const volunteer = (await app().get('/volunteers/v1')).body;
      expect(volunteer).toMatchObject({ name: null, phone: null, erased: true, minutesLogged: 90, minutesVerified: 90 });
      expect((await app().get('/volunteers/v2')).body).toMatchObject({ name: KEPT, erased: false });

      const log = (await app().get('/events?limit=1000')).text;
      const exported = await runCli(['export', '--store', app().config.storeUrl, '--no-progress'], { TONGXIN_DATA_DIR: app().dir });
      expect(exported.code).toBe(0);
      for (const text of [log, exported.stdout, JSON.stringify(volunteer)]) {
        for (const value of [NAME, PHONE]) expect(text).not.toContain(value);
        expect(text).toContain('v1');
      }
      expect(exported.stdout).toContain(KEPT);
      for (const value of [NAME, PHONE]) expect(await plainTextAtRest(value)).toEqual([]);

      // The same after a restart: nothing cached brings the name back.
      await app().restart();
      expect((await app().get('/volunteers/v1')).body).toMatchObject({ name: null, phone: null, erased: true });
    });
  });
});
