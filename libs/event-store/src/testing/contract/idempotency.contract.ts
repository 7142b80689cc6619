import { ANY, IdempotencyKeyReusedError, NO_STREAM, WrongExpectedRevisionError, type EventStore, type IdempotencyRecord } from '../../event-store';
import { events, ISO_UTC_MILLIS, rejection, type ContractContext } from './context';

export function idempotencyContract(t: ContractContext): void {
  const response = { id: 'act-1', status: 201, body: { 名称: '宣讲', people: 120 } };

  it('stores the record with the events and replays it, appending nothing', async () => {
    const stream = t.stream('activity');
    const idempotency = { key: t.key('command'), fingerprint: 'sha256:aaa', response };
    const first = await t.store().appendToStream(stream, events(2), { expectedRevision: NO_STREAM, idempotency });
    const record = await t.store().getIdempotencyRecord(idempotency.key);
    expect(record).toMatchObject({ key: idempotency.key, fingerprint: 'sha256:aaa', response });
    expect(record?.result).toMatchObject({ streamId: stream, revision: first.revision, position: first.position, firstPosition: first.firstPosition });
    expect(record?.createdAt).toMatch(ISO_UTC_MILLIS);

    const head = await t.store().headPosition();
    // A retry carries the same expected revision as the first try, now stale: the key answers first.
    const retry = await t.store().appendToStream(stream, events(2), { expectedRevision: NO_STREAM, idempotency });
    expect(retry).toMatchObject({
      streamId: stream, revision: first.revision, position: first.position, firstPosition: first.firstPosition,
      replayed: true, response,
    });
    expect(await t.store().headPosition()).toBe(head);
    expect(await t.store().readStream(stream)).toHaveLength(2);
  });

  it('refuses the same key with another fingerprint, appending nothing', async () => {
    const key = t.key('command');
    await t.store().appendToStream(t.stream('a'), events(1), { expectedRevision: NO_STREAM, idempotency: { key, fingerprint: 'f1', response } });
    const head = await t.store().headPosition();
    const error = await rejection(
      t.store().appendToStream(t.stream('b'), events(1), { expectedRevision: ANY, idempotency: { key, fingerprint: 'f2', response } }),
      IdempotencyKeyReusedError,
    );
    expect(error.key).toBe(key);
    expect(await t.store().headPosition()).toBe(head);
    expect(await t.store().streamRevision(t.stream('b'))).toBe(-1);
  });

  it('records nothing for a failed append, so a corrected retry with the key goes through', async () => {
    const stream = t.stream('activity');
    const idempotency = { key: t.key('command'), fingerprint: 'f', response };
    await rejection(t.store().appendToStream(stream, events(1), { expectedRevision: 4, idempotency }), WrongExpectedRevisionError);
    expect(await t.store().getIdempotencyRecord(idempotency.key)).toBeUndefined();
    const result = await t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM, idempotency });
    expect(result.replayed).toBeFalsy();
  });

  it('still replays after the store is closed and reopened', async () => {
    if (!t.canReopen()) return;
    const stream = t.stream('activity');
    const idempotency = { key: t.key('command'), fingerprint: 'f', response };
    const first = await t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM, idempotency });
    const reopened = await t.reopen();
    const retry = await reopened.appendToStream(stream, events(1), { expectedRevision: NO_STREAM, idempotency });
    expect(retry).toMatchObject({ position: first.position, revision: first.revision, replayed: true, response });
    expect(await reopened.readStream(stream)).toHaveLength(1);
  });

  it('lists the settled records after a position, by their append\'s last event, in pages, and nothing else', async () => {
    const head = await t.store().headPosition();
    const [a, b] = [t.stream('a'), t.stream('b')];
    const first = await t.store().appendToStream(a, events(2), { expectedRevision: NO_STREAM, idempotency: { key: t.key('first'), fingerprint: 'f', response } });
    await t.store().appendToStream(b, events(1), { expectedRevision: NO_STREAM });
    const second = await t.store().appendToStream(b, events(1), { expectedRevision: 0, idempotency: { key: t.key('second'), fingerprint: 'f', response: { id: 'b' } } });
    // A replay and a refused append leave no record of their own.
    await t.store().appendToStream(a, events(2), { expectedRevision: NO_STREAM, idempotency: { key: t.key('first'), fingerprint: 'f', response } });
    await rejection(t.store().appendToStream(a, events(1), { expectedRevision: 0, idempotency: { key: t.key('refused'), fingerprint: 'f', response } }), WrongExpectedRevisionError);
    const third = await t.store().appendToStream(a, events(1), { expectedRevision: 1, idempotency: { key: t.key('third'), fingerprint: 'f', response } });

    const listed = await recordsOf(t.store(), { after: head, batchSize: 1 });
    expect(listed.map((record) => record.key)).toEqual([t.key('first'), t.key('second'), t.key('third')]);
    expect(listed.map((record) => record.result.position)).toEqual([first.position, second.position, third.position]);
    for (const record of listed) expect(record).toEqual(await t.store().getIdempotencyRecord(record.key));
    expect(listed[1].result).toMatchObject({ streamId: b, revision: 1, firstPosition: second.firstPosition });
    // `after` is exclusive and compares with the append's last event.
    expect((await recordsOf(t.store(), { after: first.position })).map((record) => record.key)).toEqual([t.key('second'), t.key('third')]);
    expect(await recordsOf(t.store(), { after: third.position })).toEqual([]);
  });
}

/** Every record `idempotencyRecords` lists; each adapter must have the method, though the port's type lets doubles omit it. */
export async function recordsOf(store: EventStore, options: { after?: number; batchSize?: number }): Promise<IdempotencyRecord[]> {
  expect(typeof store.idempotencyRecords).toBe('function');
  const records: IdempotencyRecord[] = [];
  for await (const record of store.idempotencyRecords!(options)) records.push(record);
  return records;
}
