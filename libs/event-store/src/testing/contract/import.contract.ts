import { ANY, NO_STREAM, RecordedAtRefusedError, UniqueKeyTakenError, WrongExpectedRevisionError, type RecordedEvent } from '../../event-store';
import { events, newEvent, rejection, sleep, type ContractContext } from './context';
import { recordsOf } from './idempotency.contract';

/** AppendOptions.recordedAt, the import path: the given instant is kept, never at the cost of order. */
export function importContract(t: ContractContext): void {
  /**
   * The log is shared and stamped with the real clock, so imported instants are taken from a window the test
   * makes: after its own anchor event's recordedAt and, once it has waited, before now.
   */
  async function anchored(): Promise<{ anchorPosition: number; at: (offsetMs: number) => string }> {
    const anchor = await t.store().appendToStream(t.stream('anchor'), [newEvent('Anchor')], { expectedRevision: NO_STREAM });
    const [recorded] = await t.store().readStream(t.stream('anchor'));
    await sleep(150);
    const base = Date.parse(recorded.recordedAt);
    return { anchorPosition: anchor.position, at: (offsetMs) => new Date(base + offsetMs).toISOString() };
  }
  const last = async (stream: string): Promise<RecordedEvent> => (await t.store().readStream(stream)).at(-1)!;

  it('keeps the given recordedAt on every event of the append, in stream and global reads, metadata untouched', async () => {
    const { anchorPosition, at } = await anchored();
    const stream = t.stream('imported');
    const appended = events(3);
    await t.store().appendToStream(stream, appended, { expectedRevision: NO_STREAM, recordedAt: at(10) });
    await t.store().appendToStream(stream, events(1), { expectedRevision: 2, recordedAt: at(20) });
    const read = await t.store().readStream(stream);
    expect(read.map((event) => event.recordedAt)).toEqual([at(10), at(10), at(10), at(20)]);
    expect(read.slice(0, 3).map((event) => event.metadata)).toEqual(appended.map((event) => event.metadata));
    expect((await t.store().readStream(stream, { fromRevision: 1 })).map((event) => event.recordedAt)).toEqual([at(10), at(10), at(20)]);
    const global = await t.store().readAll({ after: anchorPosition, limit: 10 });
    expect(global).toEqual(read);

    // A normal append afterwards is stamped by the store again, not before the imported instants.
    await t.store().appendToStream(stream, events(1), { expectedRevision: 3 });
    expect((await last(stream)).recordedAt >= at(20)).toBe(true);
  });

  it('refuses an instant before the last recordedAt or after now, appending nothing; an equal one is kept', async () => {
    const { at } = await anchored();
    const stream = t.stream('imported');
    await t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM, recordedAt: at(20) });
    const head = await t.store().headPosition();

    const before = await rejection(
      t.store().appendToStream(t.stream('other'), events(1), { expectedRevision: NO_STREAM, recordedAt: at(19), uniqueKeys: [t.key('id')] }),
      RecordedAtRefusedError,
    );
    expect(before).toMatchObject({ streamId: t.stream('other'), recordedAt: at(19), bound: at(20), reason: 'before-last-event' });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const later = await rejection(t.store().appendToStream(stream, events(1), { expectedRevision: 0, recordedAt: future }), RecordedAtRefusedError);
    expect(later).toMatchObject({ recordedAt: future, reason: 'in-the-future' });
    expect(await t.store().headPosition()).toBe(head);
    expect(await t.store().streamRevision(t.stream('other'))).toBe(-1);
    // The refused append claimed nothing: its unique key is still free.
    expect(await t.store().lookupUniqueKey(t.key('id'))).toBeUndefined();

    await t.store().appendToStream(stream, events(1), { expectedRevision: 0, recordedAt: at(20) });
    expect((await last(stream)).recordedAt).toBe(at(20));
  });

  it('keeps the other guarantees: expected revision and unique keys are checked as for any append', async () => {
    const { at } = await anchored();
    const stream = t.stream('imported');
    await t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM, recordedAt: at(10), uniqueKeys: [t.key('donation')] });
    await rejection(t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM, recordedAt: at(10) }), WrongExpectedRevisionError);
    await rejection(
      t.store().appendToStream(t.stream('b'), events(1), { expectedRevision: ANY, recordedAt: at(10), uniqueKeys: [t.key('donation')] }),
      UniqueKeyTakenError,
    );
    expect(await t.store().lookupUniqueKey(t.key('donation'))).toBe(stream);
    await expect(t.store().appendToStream(stream, events(1), { expectedRevision: 0, recordedAt: '2026-05-01T08:30:00Z' })).rejects.toBeInstanceOf(TypeError);
    await expect(t.store().appendToStream(stream, events(1), { expectedRevision: 0, recordedAt: '2026-05-01T08:30:00.000+08:00' })).rejects.toBeInstanceOf(TypeError);
    expect(await t.store().streamRevision(stream)).toBe(0);
  });

  it('answers positionAt by the imported instants', async () => {
    const { anchorPosition, at } = await anchored();
    const first = await t.store().appendToStream(t.stream('a'), events(2), { expectedRevision: NO_STREAM, recordedAt: at(10) });
    await t.store().appendToStream(t.stream('b'), events(1), { expectedRevision: NO_STREAM, recordedAt: at(30) });
    const third = await t.store().appendToStream(t.stream('c'), events(1), { expectedRevision: NO_STREAM, recordedAt: at(30) });
    await t.store().appendToStream(t.stream('d'), events(1), { expectedRevision: NO_STREAM });
    expect(await t.store().positionAt(at(9))).toBe(anchorPosition);
    expect(await t.store().positionAt(at(10))).toBe(first.position);
    expect(await t.store().positionAt(at(29))).toBe(first.position);
    expect(await t.store().positionAt(at(30))).toBe(third.position);
  });

  it('keeps an imported idempotency record\'s createdAt, which only an import may give', async () => {
    const { anchorPosition, at } = await anchored();
    const stream = t.stream('imported');
    const response = { status: 201, id: 'act-1' };
    const idempotency = { key: t.key('command'), fingerprint: 'f', response, createdAt: at(15) };
    await expect(t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM, idempotency })).rejects.toBeInstanceOf(TypeError);
    await expect(t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM, recordedAt: at(10), idempotency: { ...idempotency, createdAt: '2026-05-01T08:30:00Z' } }))
      .rejects.toBeInstanceOf(TypeError);
    expect(await t.store().headPosition()).toBe(anchorPosition);

    const first = await t.store().appendToStream(stream, events(2), { expectedRevision: NO_STREAM, recordedAt: at(10), idempotency });
    const record = await t.store().getIdempotencyRecord(idempotency.key);
    expect(record).toMatchObject({ key: idempotency.key, fingerprint: 'f', response, createdAt: at(15), result: { position: first.position, firstPosition: first.firstPosition } });
    expect(await recordsOf(t.store(), { after: anchorPosition })).toEqual([record]);
    // A retry answers from the record and leaves it as it was.
    const retry = await t.store().appendToStream(stream, events(2), { expectedRevision: NO_STREAM, recordedAt: at(10), idempotency: { ...idempotency, createdAt: at(20) } });
    expect(retry).toMatchObject({ replayed: true, position: first.position, response });
    expect(await t.store().getIdempotencyRecord(idempotency.key)).toEqual(record);
  });
}
