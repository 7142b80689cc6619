import { ANY, IdempotencyKeyReusedError, NO_STREAM, UniqueKeyTakenError, WrongExpectedRevisionError, type RecordedEvent } from '../../event-store';
import { events, expectStrictlyIncreasing, newEvent, type ContractContext } from './context';

export function concurrencyContract(t: ContractContext): void {
  it('lands 64 concurrent appends to separate streams exactly once each', async () => {
    const base = await t.store().headPosition();
    const streams = Array.from({ length: 64 }, (_, index) => t.stream(`volunteer-${index}`));
    const results = await Promise.all(
      streams.map((stream) => t.store().appendToStream(stream, [newEvent('VolunteerRegistered')], { expectedRevision: NO_STREAM })),
    );
    expect(new Set(results.map((result) => result.position)).size).toBe(64);
    const all = await t.store().readAll({ after: base, limit: 1000 });
    expectStrictlyIncreasing(all.map((event) => event.position), base);
    expect(all.map((event) => event.position)).toEqual(results.map((result) => result.position).sort((a, b) => a - b));
    for (const result of results) expect(result.firstPosition).toBe(result.position);
    expect(all.map((event) => event.streamId).sort()).toEqual([...streams].sort());
    expect(await t.store().headPosition()).toBe(all[all.length - 1].position);
    for (const stream of streams) expect(await t.store().streamRevision(stream)).toBe(0);
  });

  it('lets exactly one of 50 concurrent appends at the same expected revision win', async () => {
    const stream = t.stream('campaign');
    await t.store().appendToStream(stream, events(1), { expectedRevision: NO_STREAM });
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) => t.store().appendToStream(stream, [newEvent('Raced', { index })], { expectedRevision: 0 })),
    );
    const winners = settled.filter((outcome) => outcome.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const outcome of settled) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(outcome.reason).toMatchObject({ expected: 0, actual: 1 });
      }
    }
    expect(await t.store().readStream(stream)).toHaveLength(2);
  });

  it('appends once for concurrent calls with the same idempotency key, replaying to the rest', async () => {
    const stream = t.stream('donation');
    const idempotency = { key: t.key('command'), fingerprint: 'f', response: { id: 'd-1' } };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.store().appendToStream(stream, events(1), { expectedRevision: ANY, idempotency })),
    );
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(new Set(results.map((result) => result.position)).size).toBe(1);
    expect(await t.store().readStream(stream)).toHaveLength(1);
  });

  it('gives a unique key to one of several concurrent claims', async () => {
    const key = t.key('donation');
    const settled = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) =>
        t.store().appendToStream(t.stream(`campaign-${index}`), events(1), { expectedRevision: NO_STREAM, uniqueKeys: [key] })),
    );
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const losers = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(UniqueKeyTakenError);
  });

  it('does not fail or undo the neighbours of a failing append issued at the same moment', async () => {
    const taken = t.key('taken');
    const reused = t.key('reused');
    await t.store().appendToStream(t.stream('owner'), events(1), { expectedRevision: NO_STREAM, uniqueKeys: [taken] });
    await t.store().appendToStream(t.stream('owner'), events(1), { expectedRevision: 0, idempotency: { key: reused, fingerprint: 'f1', response: {} } });
    const ok = (name: string) => t.store().appendToStream(t.stream(name), events(2), { expectedRevision: NO_STREAM });
    const settled = await Promise.allSettled([
      ok('ok-1'),
      t.store().appendToStream(t.stream('stale'), events(1), { expectedRevision: 7 }),
      ok('ok-2'),
      t.store().appendToStream(t.stream('dup'), events(1), { expectedRevision: NO_STREAM, uniqueKeys: [taken] }),
      ok('ok-3'),
      t.store().appendToStream(t.stream('misuse'), events(1), { expectedRevision: ANY, idempotency: { key: reused, fingerprint: 'f2', response: {} } }),
      t.store().appendToStream(t.stream('empty'), [], { expectedRevision: ANY }),
      ok('ok-4'),
    ]);
    expect(settled.map((outcome) => outcome.status)).toEqual(
      ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((settled[3] as PromiseRejectedResult).reason).toBeInstanceOf(UniqueKeyTakenError);
    expect((settled[5] as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyKeyReusedError);
    expect((settled[6] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    for (const name of ['ok-1', 'ok-2', 'ok-3', 'ok-4']) expect(await t.store().readStream(t.stream(name))).toHaveLength(2);
    for (const name of ['stale', 'dup', 'misuse', 'empty']) expect(await t.store().streamRevision(t.stream(name))).toBe(-1);
  });

  it('never shows a reader of the global log a skip or a repeat while writers are busy', async () => {
    const base = await t.store().headPosition();
    let writing = true;
    const writers = (async () => {
      for (let wave = 0; wave < 20; wave++) {
        await Promise.all(Array.from({ length: 8 }, (_, index) =>
          t.store().appendToStream(t.stream(`w${index}`), events(1 + (wave % 3)), { expectedRevision: ANY })));
      }
      writing = false;
    })();
    const seen: RecordedEvent[] = [];
    let after = base;
    while (writing || seen.length === 0 || after < (await t.store().headPosition())) {
      const page = await t.store().readAll({ after, limit: 7 });
      seen.push(...page);
      if (page.length > 0) after = page[page.length - 1].position;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writers;
    expectStrictlyIncreasing(seen.map((event) => event.position), base);
    expect(seen).toHaveLength(Array.from({ length: 20 }, (_, wave) => 8 * (1 + (wave % 3))).reduce((sum, count) => sum + count, 0));
    expect(seen).toEqual(await t.store().readAll({ after: base, limit: 10_000 }));
  });
}
