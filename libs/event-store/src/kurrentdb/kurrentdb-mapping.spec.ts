import { ANY, NO_STREAM, STREAM_EXISTS } from '../event-store';
import { isUnavailable, isWrongExpectedVersion } from './kurrentdb-errors';
import {
  APPEND_INDEX_KEY, appendIdFor, contextNeeded, eventIdFor, eventsAfter, fromCurrentState, fromStoredMetadata, isLedgerEvent,
  stampRecordedAt, toClientConnectionString, toStoredMetadata, toStreamState, type StampInput,
} from './kurrentdb-mapping';

describe('KurrentDB mapping', () => {
  describe('expected revision and stream state', () => {
    it('maps the named revisions to the client constants and a number to a BigInt', () => {
      expect(toStreamState(NO_STREAM)).toBe('no_stream');
      expect(toStreamState(ANY)).toBe('any');
      expect(toStreamState(STREAM_EXISTS)).toBe('stream_exists');
      expect(toStreamState(0)).toBe(0n);
      expect(toStreamState(41)).toBe(41n);
      expect(toStreamState(-1)).toBe('no_stream');
    });

    it('reads the actual state of a WrongExpectedVersionError back as a revision, -1 when absent', () => {
      expect(fromCurrentState(7n)).toBe(7);
      expect(fromCurrentState('no_stream')).toBe(-1);
      expect(fromCurrentState(undefined)).toBe(-1);
    });
  });

  describe('positions after a position', () => {
    const at = (...positions: number[]) => positions.map((position) => ({ position }));

    it('drops the event at and below `after` (the inclusive read returns it) and keeps at most the limit', () => {
      expect(eventsAfter(at(1200, 1450, 1730, 2010), 1200, 2)).toEqual(at(1450, 1730));
      expect(eventsAfter(at(1450, 1730), 1200, 5)).toEqual(at(1450, 1730));
      expect(eventsAfter(at(1200), 1200, 5)).toEqual([]);
      expect(eventsAfter(at(1000, 1200), 0, 1)).toEqual(at(1000));
    });

    it('keeps only the ledger: no system event types, no $-streams', () => {
      expect(isLedgerEvent('activity-1', 'ActivityRecorded')).toBe(true);
      expect(isLedgerEvent('$$activity-1', '$metadata')).toBe(false);
      expect(isLedgerEvent('$ce-activity', 'ActivityRecorded')).toBe(false);
      expect(isLedgerEvent('activity-1', '$>')).toBe(false);
    });
  });

  describe('event ids', () => {
    it('derives the same ids from the same idempotency key, and distinct ids per index and per key', () => {
      const first = appendIdFor('cmd-1', () => 'unused');
      expect(appendIdFor('cmd-1', () => 'other')).toBe(first);
      expect(eventIdFor(first, 0)).toBe(eventIdFor(appendIdFor('cmd-1', () => 'x'), 0));
      expect(eventIdFor(first, 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(eventIdFor(first, 1)).not.toBe(eventIdFor(first, 0));
      expect(eventIdFor(appendIdFor('cmd-2', () => ''), 0)).not.toBe(eventIdFor(first, 0));
      expect(appendIdFor(undefined, () => 'r1')).not.toBe(appendIdFor(undefined, () => 'r2'));
    });
  });

  describe('stored metadata', () => {
    it('marks the followers of an append with their index and gives the caller back exactly its metadata', () => {
      const metadata = JSON.stringify({ actor: '信息员-7', schemaVersion: 1, nested: { a: [1, null] } });
      expect(toStoredMetadata(metadata, 0)).toBe(metadata);
      const stored = JSON.parse(toStoredMetadata(metadata, 2)) as Record<string, unknown>;
      expect(stored[APPEND_INDEX_KEY]).toBe(2);
      expect(fromStoredMetadata(stored)).toEqual({ metadata: JSON.parse(metadata), appendIndex: 2 });
      expect(fromStoredMetadata(JSON.parse(toStoredMetadata('{}', 1)))).toEqual({ metadata: {}, appendIndex: 1 });
      expect(fromStoredMetadata(undefined)).toEqual({ metadata: {}, appendIndex: 0 });
    });
  });

  describe('recordedAt', () => {
    const event = (created: number, appendIndex = 0): StampInput => ({ created, appendIndex });

    it('gives every event of an append its first event time, which KurrentDB stamped a little earlier', () => {
      expect(stampRecordedAt([event(100), event(101, 1), event(102, 2), event(200)], 0)).toEqual([100, 100, 100, 200]);
    });

    it('never decreases when the server clock steps back, within the lookback', () => {
      const events = [event(1000), event(1010), event(400), event(500), event(1020)];
      expect(stampRecordedAt(events, 0)).toEqual([1000, 1010, 1010, 1010, 1020]);
      // Beyond the lookback the step shows: the trade-off for stamps that do not depend on where a page starts.
      expect(stampRecordedAt(events, 0, 1)).toEqual([1000, 1010, 1010, 500, 1020]);
    });

    it('is the same whichever page an event is read in, given the context it asks for', () => {
      const log = [event(50), event(60), event(30, 0), event(31, 1), event(32, 2), event(70), event(20), event(80)];
      const whole = stampRecordedAt(log, 0, 3);
      for (let start = 1; start < log.length; start++) {
        const context = Math.min(start, contextNeeded(log[start], 3));
        expect(stampRecordedAt(log.slice(start - context), context, 3)).toEqual(whole.slice(start));
      }
    });

    it('asks for context back to the start of an append that began before the page', () => {
      expect(contextNeeded(event(0, 0), 64)).toBe(64);
      expect(contextNeeded(event(0, 100), 64)).toBe(100);
      expect(contextNeeded(undefined, 64)).toBe(64);
    });
  });

  describe('connection strings and errors', () => {
    it('rewrites esdb:// and esdb+discover:// for the client and leaves kurrentdb:// alone', () => {
      expect(toClientConnectionString('esdb://h:2113?tls=false')).toBe('kurrentdb://h:2113?tls=false');
      expect(toClientConnectionString('esdb+discover://admin:changeit@h:2113')).toBe('kurrentdb+discover://admin:changeit@h:2113');
      expect(toClientConnectionString(' kurrentdb://h:2113?tls=false ')).toBe('kurrentdb://h:2113?tls=false');
    });

    it('recognises the client errors by type', () => {
      expect(isWrongExpectedVersion({ type: 'wrong-expected-version', actualState: 3n })).toBe(true);
      expect(isUnavailable({ type: 'unavailable' })).toBe(true);
      expect(isUnavailable({ type: 'not-leader' })).toBe(true);
      expect(isUnavailable({ type: 'wrong-expected-version' })).toBe(false);
      expect(isUnavailable(new TypeError('bug'))).toBe(false);
    });
  });
});
