import { NO_STREAM } from '../../event-store';
import { events, type ContractContext } from './context';

export function durabilityContract(t: ContractContext): void {
  it('keeps every acknowledged append, key and record across close and reopen', async () => {
    if (!t.canReopen()) return;
    const base = await t.store().headPosition();
    const key = t.key('donation');
    const idempotency = { key: t.key('command'), fingerprint: 'f', response: { id: 'x' } };
    await t.store().appendToStream(t.stream('a'), events(3), { expectedRevision: NO_STREAM, uniqueKeys: [key], idempotency });
    await Promise.all([1, 2, 3].map((index) => t.store().appendToStream(t.stream(`b${index}`), events(1), { expectedRevision: NO_STREAM })));
    const before = await t.store().readAll({ after: base, limit: 100 });
    const reopened = await t.reopen();
    expect(await reopened.readAll({ after: base, limit: 100 })).toEqual(before);
    expect(await reopened.streamRevision(t.stream('a'))).toBe(2);
    expect(await reopened.lookupUniqueKey(key)).toBe(t.stream('a'));
    expect(await reopened.getIdempotencyRecord(idempotency.key)).toMatchObject({ fingerprint: 'f', response: { id: 'x' } });
  });

  it('commits appends still in flight when close() is called, before closing', async () => {
    if (!t.canReopen()) return;
    const base = await t.store().headPosition();
    const pending = Array.from({ length: 10 }, (_, index) =>
      t.store().appendToStream(t.stream(`late-${index}`), events(1), { expectedRevision: NO_STREAM }));
    const reopened = await t.reopen();
    const results = await Promise.all(pending);
    expect(await reopened.readAll({ after: base, limit: 100 })).toHaveLength(10);
    expect(results.map((result) => result.position).sort((a, b) => a - b)).toEqual(
      (await reopened.readAll({ after: base, limit: 100 })).map((event) => event.position),
    );
  });
}
