import { ANY, NO_STREAM, STREAM_EXISTS, UniqueKeyTakenError, WrongExpectedRevisionError } from '../../event-store';
import { events, expectStrictlyIncreasing, newEvent, rejection, type ContractContext } from './context';

export function appendContract(t: ContractContext): void {
  it('appends to a new stream with NO_STREAM at revision 0, right after the head', async () => {
    const stream = t.stream('activity');
    const head = await t.store().headPosition();
    const result = await t.store().appendToStream(stream, [newEvent('ActivityRecorded')], { expectedRevision: NO_STREAM });
    expect(result).toMatchObject({ streamId: stream, revision: 0, firstPosition: result.position });
    expect(result.position).toBeGreaterThan(head);
    expect(result.replayed).toBeFalsy();
    expect(await t.store().streamRevision(stream)).toBe(0);
    expect(await t.store().headPosition()).toBe(result.position);
    expect((await t.store().readAll({ after: head, limit: 10 })).map((event) => event.position)).toEqual([result.position]);
  });

  it('refuses NO_STREAM on an existing stream, naming the actual revision', async () => {
    const stream = t.stream('activity');
    await t.store().appendToStream(stream, events(2), { expectedRevision: NO_STREAM });
    const error = await rejection(t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM }), WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: stream, expected: NO_STREAM, actual: 1 });
    expect(await t.store().readStream(stream)).toHaveLength(2);
  });

  it('appends at the exact current revision and refuses a stale one', async () => {
    const stream = t.stream('campaign');
    await t.store().appendToStream(stream, events(2), { expectedRevision: NO_STREAM });
    const next = await t.store().appendToStream(stream, events(1), { expectedRevision: 1 });
    expect(next.revision).toBe(2);
    const head = await t.store().headPosition();
    const error = await rejection(t.store().appendToStream(stream, events(1), { expectedRevision: 1 }), WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: stream, expected: 1, actual: 2 });
    expect(await t.store().headPosition()).toBe(head);
  });

  it('refuses an exact revision on a missing stream with actual -1', async () => {
    const stream = t.stream('missing');
    const error = await rejection(t.store().appendToStream(stream, events(1), { expectedRevision: 0 }), WrongExpectedRevisionError);
    expect(error.actual).toBe(-1);
    expect(await t.store().streamRevision(stream)).toBe(-1);
  });

  it('appends with ANY whether or not the stream exists', async () => {
    const stream = t.stream('volunteer');
    expect((await t.store().appendToStream(stream, events(1), { expectedRevision: ANY })).revision).toBe(0);
    expect((await t.store().appendToStream(stream, events(2), { expectedRevision: ANY })).revision).toBe(2);
  });

  it('requires the stream for STREAM_EXISTS', async () => {
    const stream = t.stream('donation');
    const error = await rejection(t.store().appendToStream(stream, events(1), { expectedRevision: STREAM_EXISTS }), WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: stream, expected: STREAM_EXISTS, actual: -1 });
    await t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM });
    expect((await t.store().appendToStream(stream, events(1), { expectedRevision: STREAM_EXISTS })).revision).toBe(1);
  });

  it('appends several events atomically with contiguous revisions, adjacent in the global log', async () => {
    const stream = t.stream('batch');
    const other = await t.store().appendToStream(t.stream('other'), events(1), { expectedRevision: NO_STREAM });
    const result = await t.store().appendToStream(stream, events(3, 'HoursLogged'), { expectedRevision: NO_STREAM });
    expect(result.revision).toBe(2);
    const stored = await t.store().readStream(stream);
    expect(stored.map((event) => event.revision)).toEqual([0, 1, 2]);
    expectStrictlyIncreasing(stored.map((event) => event.position), other.position);
    expect(stored[0].position).toBe(result.firstPosition);
    expect(stored[2].position).toBe(result.position);
    // Nothing else between them: the global log right after `other` is exactly this append.
    expect(await t.store().readAll({ after: other.position, limit: 10 })).toEqual(stored);
    expect(new Set(stored.map((event) => event.recordedAt)).size).toBe(1);
  });

  it('rejects an empty append with a TypeError and appends nothing', async () => {
    const head = await t.store().headPosition();
    await rejection(t.store().appendToStream(t.stream('empty'), [], { expectedRevision: ANY }), TypeError);
    expect(await t.store().headPosition()).toBe(head);
    expect(await t.store().streamRevision(t.stream('empty'))).toBe(-1);
  });

  it('claims unique keys with the events and refuses a taken key, appending nothing', async () => {
    const first = t.stream('campaign-a');
    const second = t.stream('campaign-b');
    const donation = t.key('donation');
    await t.store().appendToStream(first, events(1), { expectedRevision: NO_STREAM, uniqueKeys: [donation] });
    expect(await t.store().lookupUniqueKey(donation)).toBe(first);
    expect(await t.store().lookupUniqueKey(t.key('never-claimed'))).toBeUndefined();

    const fresh = t.key('fresh');
    const error = await rejection(
      t.store().appendToStream(second, events(1), { expectedRevision: NO_STREAM, uniqueKeys: [fresh, donation] }),
      UniqueKeyTakenError,
    );
    expect(error).toMatchObject({ key: donation, streamId: first });
    expect(await t.store().streamRevision(second)).toBe(-1);
    expect(await t.store().lookupUniqueKey(fresh)).toBeUndefined();
    // The same stream claiming it again is refused too: a key is claimed once.
    await rejection(t.store().appendToStream(first, events(1), { expectedRevision: 0, uniqueKeys: [donation] }), UniqueKeyTakenError);
  });

  it('claims no unique key when the append fails its revision check', async () => {
    const stream = t.stream('campaign');
    const key = t.key('receipt');
    await rejection(t.store().appendToStream(stream, events(1), { expectedRevision: 3, uniqueKeys: [key] }), WrongExpectedRevisionError);
    expect(await t.store().lookupUniqueKey(key)).toBeUndefined();
  });
}
