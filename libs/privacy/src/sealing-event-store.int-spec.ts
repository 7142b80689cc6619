import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { fold, volunteerDecider, type VolunteerEvent } from '@tongxin/domain';
import {
  ANY, createEventStore, NO_STREAM, WrongExpectedRevisionError, type EventStore, type NewEvent, type RecordedEvent,
} from '@tongxin/event-store';
import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import { defaultVaultLocation, openKeyStore } from './open-key-store';
import { donorSubject, volunteerSubject } from './personal-data';
import { SealBrokenError } from './seal';
import { ERASED_FIELD, SEALED_FIELD, SealingEventStore } from './sealing-event-store';
import type { SubjectKeyStore } from './subject-key-store';
import { filesContaining, jsonForms, sqliteFiles } from './testing/raw-bytes';

const NAME = '阿依古丽·买买提';
const PHONE = '13912345678';
const DONOR = '热依拉·艾买提';
const ANONYMOUS_DONOR = '不愿具名的李先生';
const PERSONAL = [NAME, PHONE, DONOR, ANONYMOUS_DONOR];

interface Opened {
  /** The undecorated store, as projections read it. */
  inner: EventStore;
  keys: SubjectKeyStore;
  /** Every place a reader of the disk or the database could find the values, as one list of texts or byte blobs. */
  raw(): Promise<Buffer[]>;
  /** The vault's bytes (SQLite) or undefined where the disk cannot be read (PostgreSQL). */
  rawVault?(): Buffer[];
  close(): Promise<void>;
}

const metadata = (commandId: string) => ({ actor: 'organiser-1', commandId, correlationId: commandId, orgUnitId: 'xinying', schemaVersion: 1 });

function registered(volunteerId: string, name = NAME, phone: string | null = PHONE): NewEvent {
  return {
    type: 'VolunteerRegistered',
    data: { volunteerId, orgUnitId: 'xinying', orgPath: ['hunan', 'xinying'], name, phone },
    metadata: metadata(`register-${volunteerId}`),
  };
}

function hoursLogged(volunteerId: string, entryId: string, minutes: number): NewEvent {
  return {
    type: 'HoursLogged',
    data: { volunteerId, entryId, activityId: null, orgUnitId: 'xinying', orgPath: ['hunan', 'xinying'], campaignId: null,
      servedOn: '2024-06-10', minutes, description: '民族团结宣讲' },
    metadata: metadata(`log-${entryId}`),
  };
}

function donation(donationId: string, name: string, anonymous: boolean): NewEvent {
  return {
    type: 'DonationReceived',
    data: { donationId, campaignId: 'c1', orgUnitId: 'xinying', orgPath: ['hunan', 'xinying'],
      donor: { name, kind: 'individual', anonymous }, kind: 'money', amount: 50_000, receivedOn: '2024-06-01',
      method: 'wechat_pay', reference: null, items: [] },
    metadata: metadata(`donate-${donationId}`),
  };
}

async function all(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

function containing(blobs: Buffer[], values: string[]): string[] {
  return values.filter((value) => jsonForms(value).some((form) => blobs.some((blob) => blob.includes(Buffer.from(form, 'utf8')))));
}

function describeSealing(name: string, open: () => Promise<Opened>): void {
  describe(`SealingEventStore over ${name}`, () => {
    let opened: Opened;
    let store: SealingEventStore;
    let id = '';
    beforeEach(async () => {
      opened = await open();
      store = new SealingEventStore(opened.inner, opened.keys);
      id = randomBytes(4).toString('hex');
    });
    afterEach(() => opened.close());

    it('reads back the plain values it sealed, through every read', async () => {
      const v = `v-${id}`;
      const appended = await store.appendToStream(`volunteer-${v}`, [registered(v), hoursLogged(v, 'e1', 90)], { expectedRevision: NO_STREAM });
      await store.appendToStream(`campaign-${id}`, [donation(`d-${id}`, DONOR, false), donation(`a-${id}`, ANONYMOUS_DONOR, true)], { expectedRevision: NO_STREAM });

      const [event] = await store.readStream(`volunteer-${v}`);
      expect(event.data).toEqual({ volunteerId: v, orgUnitId: 'xinying', orgPath: ['hunan', 'xinying'], name: NAME, phone: PHONE });
      expect(Object.keys(event.data)).toEqual(['volunteerId', 'orgUnitId', 'orgPath', 'name', 'phone']);
      const donations = await store.readStream(`campaign-${id}`);
      expect(donations.map((e) => e.data.donor)).toEqual([
        { name: DONOR, kind: 'individual', anonymous: false }, { name: ANONYMOUS_DONOR, kind: 'individual', anonymous: true },
      ]);
      const after = appended.firstPosition - 1;
      const page = await store.readAll({ after, limit: 10 });
      const streamed = await all(store.streamAll({ after, batchSize: 2 }));
      for (const read of [page, streamed]) {
        expect(read.filter((e) => e.position <= appended.position + 2 && e.type !== 'HoursLogged').map((e) => e.data.name ?? (e.data.donor as { name: string }).name))
          .toEqual([NAME, DONOR, ANONYMOUS_DONOR]);
      }
    });

    it('stores one sealed value in place of the personal fields, and nothing of them in plain anywhere', async () => {
      const v = `v-${id}`;
      await store.appendToStream(`volunteer-${v}`, [registered(v), hoursLogged(v, `e-${id}`, 60)], { expectedRevision: NO_STREAM });
      await store.appendToStream(`campaign-${id}`, [donation(`d-${id}`, DONOR, false), donation(`a-${id}`, ANONYMOUS_DONOR, true)], { expectedRevision: NO_STREAM });

      const [raw] = await opened.inner.readStream(`volunteer-${v}`);
      expect(raw.data).toEqual({ volunteerId: v, orgUnitId: 'xinying', orgPath: ['hunan', 'xinying'], name: null, phone: null, [SEALED_FIELD]: expect.stringMatching(/^tx1\./) });
      const rawDonations = await opened.inner.readStream(`campaign-${id}`);
      expect(rawDonations.map((e) => e.data.donor)).toEqual([
        { name: null, kind: 'individual', anonymous: false }, { name: null, kind: 'individual', anonymous: true },
      ]);
      const blobs = await opened.raw();
      expect(containing(blobs, PERSONAL)).toEqual([]);
      // The search does find what is stored in plain, Chinese text included.
      expect(containing(blobs, [v, `e-${id}`, '民族团结宣讲'])).toEqual([v, `e-${id}`, '民族团结宣讲']);
    });

    it('after the key is destroyed, reads null and erased everywhere, keeps every other fact, and the key is gone', async () => {
      const v = `v-${id}`;
      const stream = `volunteer-${v}`;
      await store.appendToStream(stream, [registered(v), hoursLogged(v, 'e1', 90), hoursLogged(v, 'e2', 30)], { expectedRevision: NO_STREAM });
      const key = await opened.keys.keyFor(volunteerSubject(v));
      const before = fold(volunteerDecider, (await store.readStream(stream)) as unknown as VolunteerEvent[]);

      expect(await opened.keys.destroy(volunteerSubject(v))).toBe(true);

      const events = await store.readStream(stream);
      expect(events[0].data).toEqual({ volunteerId: v, orgUnitId: 'xinying', orgPath: ['hunan', 'xinying'], name: null, phone: null, [ERASED_FIELD]: true });
      expect(events.slice(1).map((e) => e.data)).toEqual([hoursLogged(v, 'e1', 90).data, hoursLogged(v, 'e2', 30).data]);
      const fromLog = [...await store.readAll({ after: events[0].position - 1, limit: 1 }), ...await all(store.streamAll({ after: events[0].position - 1, batchSize: 1 }))]
        .filter((e) => e.streamId === stream && e.revision === 0);
      expect(fromLog.map((e) => e.data[ERASED_FIELD])).toEqual([true, true]);
      const after = fold(volunteerDecider, events as unknown as VolunteerEvent[]);
      expect({ ...after, name: 'x', phone: 'x' }).toEqual({ ...before, name: 'x', phone: 'x' });
      expect([after.name, after.phone, after.minutesLogged]).toEqual([null, null, 120]);
      expect(containing(await opened.raw(), [NAME, PHONE])).toEqual([]);
      if (opened.rawVault) expect(opened.rawVault().filter((blob) => blob.includes(key))).toEqual([]);
    });

    it('never writes an erased person again: a retried registration is replayed, a new event keeps no personal field', async () => {
      const v = `v-${id}`;
      const idempotency = { key: `register-${id}`, fingerprint: 'f1', response: { id: v } };
      const first = await store.appendToStream(`volunteer-${v}`, [registered(v)], { expectedRevision: NO_STREAM, idempotency });
      await opened.keys.destroy(volunteerSubject(v));

      const retried = await store.appendToStream(`volunteer-${v}`, [registered(v)], { expectedRevision: NO_STREAM, idempotency });
      expect(retried).toMatchObject({ replayed: true, position: first.position, response: { id: v } });
      const again = await store.appendToStream(`volunteer-${v}-copy`, [{ ...registered(v), data: { ...registered(v).data } }], { expectedRevision: NO_STREAM });
      const [copy] = await opened.inner.readStream(`volunteer-${v}-copy`);
      expect(copy.data).toMatchObject({ name: null, phone: null, [ERASED_FIELD]: true });
      expect(copy.data[SEALED_FIELD]).toBeUndefined();
      expect(again.replayed).toBeUndefined();
      expect(containing(await opened.raw(), [NAME, PHONE])).toEqual([]);
    });

    it('passes every append option through: expected revision, unique keys, conditions, idempotency', async () => {
      const v = `v-${id}`;
      const stream = `volunteer-${v}`;
      await store.appendToStream(stream, [registered(v)], { expectedRevision: NO_STREAM, uniqueKeys: [`volunteer:${id}`] });
      await expect(store.appendToStream(stream, [registered(v)], { expectedRevision: NO_STREAM })).rejects.toThrow(WrongExpectedRevisionError);
      await expect(store.appendToStream(`other-${id}`, [hoursLogged(v, 'e1', 10)], {
        expectedRevision: ANY, conditions: [{ streamId: stream, revision: 5 }],
      })).rejects.toThrow(WrongExpectedRevisionError);
      const logged = await store.appendToStream(stream, [hoursLogged(v, 'e1', 10)], {
        expectedRevision: 0, conditions: [{ streamId: `period-${id}`, revision: -1 }],
        idempotency: { key: `log-${id}`, fingerprint: 'f', response: { entry: 'e1' } },
      });
      expect(logged.revision).toBe(1);
      expect(await store.lookupUniqueKey(`volunteer:${id}`)).toBe(stream);
      expect(await store.getIdempotencyRecord(`log-${id}`)).toMatchObject({ key: `log-${id}`, fingerprint: 'f', response: { entry: 'e1' } });
      expect(await store.streamRevision(stream)).toBe(1);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(logged.position);
      expect(await store.positionAt(new Date(Date.now() + 60_000).toISOString())).toBeGreaterThanOrEqual(logged.position);
      await expect(store.ping()).resolves.toBeUndefined();

      // An import keeps the instant it is given (AppendOptions.recordedAt), sealed like any append.
      const recordedAt = new Date().toISOString();
      await store.appendToStream(`volunteer-i-${id}`, [registered(`i-${id}`)], { expectedRevision: NO_STREAM, recordedAt });
      const [imported] = await store.readStream(`volunteer-i-${id}`);
      expect([imported.recordedAt, imported.data.name]).toEqual([recordedAt, NAME]);
      expect((await opened.inner.readStream(`volunteer-i-${id}`))[0].data.name).toBeNull();
    });

    it('passes events written before sealing through, until their person is erased', async () => {
      const v = `v-${id}`;
      const plain = registered(v, '旧的名字', '13700000000');
      await opened.inner.appendToStream(`volunteer-${v}`, [plain], { expectedRevision: NO_STREAM });
      expect((await store.readStream(`volunteer-${v}`))[0].data).toEqual(plain.data);
      await opened.keys.destroy(volunteerSubject(v));
      expect((await store.readStream(`volunteer-${v}`))[0].data).toMatchObject({ name: null, phone: null, [ERASED_FIELD]: true });
    });

    it('refuses to read a sealed value that was altered or moved to another person', async () => {
      const [a, b] = [`a-${id}`, `b-${id}`];
      await store.appendToStream(`volunteer-${a}`, [registered(a)], { expectedRevision: NO_STREAM });
      await store.appendToStream(`volunteer-${b}`, [registered(b, '别人')], { expectedRevision: NO_STREAM });
      const [sealedA] = await opened.inner.readStream(`volunteer-${a}`);
      // The other person's sealed value, under b's id: it opens only with the subject it was sealed for.
      await opened.inner.appendToStream(`volunteer-${b}`, [{ type: 'VolunteerRegistered', data: { ...sealedA.data, volunteerId: b }, metadata: {} }], { expectedRevision: 0 });
      await expect(store.readStream(`volunteer-${b}`)).rejects.toThrow(SealBrokenError);
      const altered = String(sealedA.data[SEALED_FIELD]).replace(/\.(.)/, (_, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
      await opened.inner.appendToStream(`volunteer-${a}`, [{ type: 'VolunteerRegistered', data: { ...sealedA.data, [SEALED_FIELD]: altered }, metadata: {} }], { expectedRevision: 0 });
      await expect(store.readStream(`volunteer-${a}`)).rejects.toThrow(SealBrokenError);
    });

    it('keeps donors apart: destroying one donation\'s key leaves the others readable', async () => {
      await store.appendToStream(`campaign-${id}`, [donation(`d-${id}`, DONOR, false), donation(`a-${id}`, ANONYMOUS_DONOR, true)], { expectedRevision: NO_STREAM });
      await opened.keys.destroy(donorSubject(`a-${id}`));
      const [named, anonymous] = await store.readStream(`campaign-${id}`);
      expect(named.data.donor).toEqual({ name: DONOR, kind: 'individual', anonymous: false });
      expect(anonymous.data).toMatchObject({ donor: { name: null, kind: 'individual', anonymous: true }, amount: 50_000, [ERASED_FIELD]: true });
    });
  });
}

describe('sealing on SQLite', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tongxin-privacy-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describeSealing('the SQLite event store', async () => {
    const path = join(dir, 'tongxin.db');
    const vault = defaultVaultLocation(`sqlite:${path}`, dir);
    const inner = await createEventStore(`sqlite:${path}`);
    const keys = await openKeyStore(vault);
    const files = () => [...sqliteFiles(path), ...sqliteFiles(vault)];
    return {
      inner, keys,
      raw: async () => {
        // The store is in WAL mode: what was appended last is in -wal, so it must be among the files read.
        expect(files()).toEqual(expect.arrayContaining([path, `${path}-wal`, vault]));
        return files().map((file) => readFileSync(file));
      },
      rawVault: () => sqliteFiles(vault).map((file) => readFileSync(file)),
      close: async () => { await inner.close(); await keys.close(); },
    };
  });
});

const serverUrl = process.env.POSTGRES_URL;
if (!serverUrl) {
  console.warn('PostgreSQL sealing tests skipped: set POSTGRES_URL (CI: postgres://postgres@127.0.0.1:5432/postgres)');
  describe.skip('sealing on PostgreSQL (POSTGRES_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  describe('sealing on PostgreSQL', () => {
    let database: TestDatabase;
    beforeAll(async () => { database = (await createTestDatabase('tongxin_privacy_test'))!; });
    afterAll(() => database.drop());

    describeSealing('the PostgreSQL event store', async () => {
      const inner = await createEventStore(database.url);
      const keys = await openKeyStore(defaultVaultLocation(database.url, '/unused'));
      const client = new Client({ connectionString: database.url });
      await client.connect();
      return {
        inner, keys,
        // Every row of every table of every schema (the store's and the vault's), as PostgreSQL renders it in text.
        raw: async () => {
          const { rows: tables } = await client.query<{ name: string }>(`SELECT format('%I.%I', table_schema, table_name) AS name
            FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`);
          expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['public.events', 'tongxin_vault.subject_keys']));
          const texts: Buffer[] = [];
          for (const table of tables) {
            const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${table.name} t`);
            texts.push(...rows.map((r) => Buffer.from(r.row, 'utf8')));
          }
          return texts;
        },
        close: async () => { await client.end(); await inner.close(); await keys.close(); },
      };
    });
  });
}
