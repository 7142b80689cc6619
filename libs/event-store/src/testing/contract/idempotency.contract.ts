import { ANY, IdempotencyKeyReusedError, NO_STREAM, WrongExpectedRevisionError } from '../../event-store';
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
}
