import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Test-only: the round trip goes through a real store; the domain's production code imports no adapter.
import { NO_STREAM, SqliteEventStore } from '@tongxin/event-store';
import { EVENT_SCHEMA_VERSIONS } from './events';
import { deepFreeze } from './testing/decider-spec';
import { EventSchemaVersionError, EventUpcasters, ledgerUpcasters, type Upcaster } from './upcasting';

/**
 * A schema change this test makes on its own, leaving production at v1:
 * ActivityRecorded v2 nests `participants` under `attendance`; v3 renames it to `headcount`.
 */
const participantsIntoAttendance: Upcaster = ({ participants, ...rest }) => ({ ...rest, attendance: { participants } });
const participantsToHeadcount: Upcaster = ({ attendance, ...rest }) =>
  ({ ...rest, attendance: { headcount: (attendance as { participants: number }).participants } });
const v2 = new EventUpcasters(
  { ActivityRecorded: { 1: participantsIntoAttendance } },
  { ...EVENT_SCHEMA_VERSIONS, ActivityRecorded: 2 },
);

const v1Data = (activityId: string, participants: number) => ({
  activityId, orgUnitId: 'grid-1', orgPath: ['hunan', 'grid-1'], campaignId: null, title: '义诊', category: 'public_welfare',
  venueType: 'community', occurredOn: '2024-06-15', participants, beneficiaries: 80, materialsDistributed: 0,
  location: null, notes: null,
});
const metadata = (schemaVersion?: number) => ({
  actor: 'token-1', commandId: 'cmd-1', correlationId: 'cmd-1', orgUnitId: 'grid-1',
  ...(schemaVersion === undefined ? {} : { schemaVersion }),
});
const event = (type: string, data: Record<string, unknown>, schemaVersion?: number) =>
  deepFreeze({ type, data, metadata: metadata(schemaVersion) });

describe('upcasting', () => {
  describe('through a real SQLite store', () => {
    let directory: string;
    let store: SqliteEventStore;
    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'tongxin-upcasting-'));
      store = new SqliteEventStore(join(directory, 'ledger.db'));
    });
    afterEach(async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    });

    it('given v1 events in the log, when read back through v2, then they have the v2 shape', async () => {
      // Given: written by the v1 code, one with no schemaVersion at all (read as v1).
      await store.appendToStream('activity-a1', [
        { type: 'ActivityRecorded', data: v1Data('a1', 12), metadata: metadata(1) },
        { type: 'ActivityVoided', data: { activityId: 'a1', reason: 'duplicate' }, metadata: metadata(1) },
      ], { expectedRevision: NO_STREAM });
      await store.appendToStream('activity-a2', [
        { type: 'ActivityRecorded', data: v1Data('a2', 30), metadata: metadata() },
      ], { expectedRevision: NO_STREAM });

      // When: the stream and the global log are read through the v2 registry.
      const fromStream = (await store.readStream('activity-a1')).map(deepFreeze).map((e) => v2.upcast(e));
      const fromLog = (await store.readAll({ limit: 10 })).map(deepFreeze).map((e) => v2.upcast(e));

      // Then: v2 shapes, stamped v2, with the store's position, revision and recordedAt kept.
      const { participants, ...unchanged } = v1Data('a1', 12);
      expect(participants).toBe(12);
      expect(fromStream[0]).toMatchObject({ type: 'ActivityRecorded', streamId: 'activity-a1', revision: 0, position: 1 });
      expect(fromStream[0].data).toEqual({ ...unchanged, attendance: { participants: 12 } });
      expect(fromStream[0].metadata).toEqual(metadata(2));
      expect(typeof fromStream[0].recordedAt).toBe('string');
      expect(fromStream[1].data).toEqual({ activityId: 'a1', reason: 'duplicate' });
      expect(fromLog.filter((e) => e.type === 'ActivityRecorded').map((e) => [e.position, e.data.attendance, e.metadata.schemaVersion]))
        .toEqual([[1, { participants: 12 }, 2], [3, { participants: 30 }, 2]]);

      // And: the log itself still holds v1; upcasting is a view, never a rewrite.
      const [stored] = await store.readStream('activity-a1');
      expect(stored.data).toEqual(v1Data('a1', 12));
      expect(stored.metadata.schemaVersion).toBe(1);
    });

    it('given an event written at v2, when read back through v2, then it is the same object', async () => {
      const { participants, ...rest } = v1Data('a3', 5);
      await store.appendToStream('activity-a3', [
        { type: 'ActivityRecorded', data: { ...rest, attendance: { participants } }, metadata: metadata(2) },
      ], { expectedRevision: NO_STREAM });
      const [read] = await store.readStream('activity-a3');
      expect(v2.upcast(read)).toBe(read);
    });
  });

  describe('a chain of steps', () => {
    it('given a v1 event and a v3 schema, when upcast, then every step runs in order', () => {
      const v3 = new EventUpcasters(
        { ActivityRecorded: { 1: participantsIntoAttendance, 2: participantsToHeadcount } },
        { ...EVENT_SCHEMA_VERSIONS, ActivityRecorded: 3 },
      );
      const raised = v3.upcast(event('ActivityRecorded', v1Data('a1', 7), 1));
      expect(raised.data.attendance).toEqual({ headcount: 7 });
      expect(raised.data).not.toHaveProperty('participants');
      expect(raised.metadata.schemaVersion).toBe(3);
    });

    it('given a v2 event and a v3 schema, when upcast, then only the later step runs', () => {
      const v3 = new EventUpcasters(
        { ActivityRecorded: { 1: () => { throw new Error('v1 step must not run'); }, 2: participantsToHeadcount } },
        { ...EVENT_SCHEMA_VERSIONS, ActivityRecorded: 3 },
      );
      const raised = v3.upcast(event('ActivityRecorded', { activityId: 'a1', attendance: { participants: 4 } }, 2));
      expect(raised.data).toEqual({ activityId: 'a1', attendance: { headcount: 4 } });
    });
  });

  describe('events already current', () => {
    it('are returned as the same object, for every production type', () => {
      for (const type of Object.keys(EVENT_SCHEMA_VERSIONS) as (keyof typeof EVENT_SCHEMA_VERSIONS)[]) {
        const current = event(type, { id: type }, EVENT_SCHEMA_VERSIONS[type]);
        expect(ledgerUpcasters.upcast(current)).toBe(current);
        if (type !== 'ActivityRecorded') expect(v2.upcast(current)).toBe(current);
      }
    });

    it('with no schemaVersion at a v1 type are the same object (missing means v1)', () => {
      const unversioned = event('HoursVerified', { volunteerId: 'v1', entryId: 'e1' });
      expect(v2.upcast(unversioned)).toBe(unversioned);
    });

    it('of an unknown type pass through untouched, whatever their version', () => {
      const foreign = event('SomethingElseHappened', { x: 1 }, 9);
      expect(v2.upcast(foreign)).toBe(foreign);
    });
  });

  describe('refusals', () => {
    it('given an event newer than the code knows, when upcast, then it throws', () => {
      const newer = event('ActivityRecorded', { activityId: 'a1' }, 3);
      expect(() => v2.upcast(newer)).toThrow(EventSchemaVersionError);
      expect(() => v2.upcast(newer)).toThrow('ActivityRecorded v3 is newer than this code knows (v2)');
    });

    it('given a schema with no step out of v1, when a v1 event is upcast, then it throws', () => {
      const gap = new EventUpcasters(
        { ActivityRecorded: { 2: participantsToHeadcount } },
        { ...EVENT_SCHEMA_VERSIONS, ActivityRecorded: 3 },
      );
      expect(() => gap.upcast(event('ActivityRecorded', v1Data('a1', 1), 1)))
        .toThrow('ActivityRecorded: no upcaster from v1 to v2 (recorded v1, current v3)');
      // A type raised with no chain at all is the same gap.
      const noChain = new EventUpcasters({}, { ...EVENT_SCHEMA_VERSIONS, HoursLogged: 2 });
      expect(() => noChain.upcast(event('HoursLogged', {}, 1))).toThrow(EventSchemaVersionError);
    });

    it('given a schemaVersion that is not a version, when upcast, then it throws', () => {
      const broken = deepFreeze({ type: 'ActivityRecorded', data: {}, metadata: { schemaVersion: '1' } });
      expect(() => v2.upcast(broken)).toThrow('ActivityRecorded: schemaVersion 1 is not a version');
    });

    it('never mutates its input (inputs are frozen) and leaves it at its recorded version', () => {
      const old = event('ActivityRecorded', v1Data('a1', 3), 1);
      const raised = v2.upcast(old);
      expect(raised).not.toBe(old);
      expect(old.data).toEqual(v1Data('a1', 3));
      expect(old.metadata.schemaVersion).toBe(1);
    });
  });
});
