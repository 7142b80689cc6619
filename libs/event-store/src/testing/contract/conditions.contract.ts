import { ANY, NO_STREAM, WrongExpectedRevisionError } from '../../event-store';
import { events, newEvent, type ContractContext } from './context';

/**
 * Conditions: an append may require other streams to stand at the revisions its decision read (a fact decided
 * against a month's period locks). `atomic` adapters check them in the append's own transaction; the others
 * (KurrentDB) only before it, so the race test runs where the check is atomic.
 */
export function conditionsContract(t: ContractContext, atomic: boolean): void {
  it('appends when every condition holds, including "the stream does not exist"', async () => {
    const locks = t.stream('period');
    await t.store().appendToStream(locks, events(2), { expectedRevision: NO_STREAM });
    const result = await t.store().appendToStream(t.stream('activity'), events(1), {
      expectedRevision: NO_STREAM, conditions: [{ streamId: locks, revision: 1 }, { streamId: t.stream('never'), revision: -1 }],
    });
    expect(result.revision).toBe(0);
  });

  it('refuses, appending nothing, when a condition\'s stream has moved, naming that stream', async () => {
    const locks = t.stream('period');
    await t.store().appendToStream(locks, events(1), { expectedRevision: NO_STREAM });
    const head = await t.store().headPosition();
    for (const revision of [-1, 1]) {
      const error = await t.store().appendToStream(t.stream('activity'), events(1), {
        expectedRevision: ANY, conditions: [{ streamId: locks, revision }],
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamId: locks, expected: revision, actual: 0 });
    }
    expect(await t.store().headPosition()).toBe(head);
    expect(await t.store().streamRevision(t.stream('activity'))).toBe(-1);
  });

  it('refuses malformed conditions before any write', async () => {
    const stream = t.stream('activity');
    for (const conditions of [[{ streamId: '', revision: 0 }], [{ streamId: 'x', revision: -2 }], [{ streamId: stream, revision: 0 }],
      [{ streamId: 'x', revision: 0 }, { streamId: 'x', revision: 1 }]]) {
      await expect(t.store().appendToStream(stream, events(1), { expectedRevision: ANY, conditions })).rejects.toBeInstanceOf(TypeError);
    }
    expect(await t.store().streamRevision(stream)).toBe(-1);
  });

  if (!atomic) return;

  it('never lands an append after a write to its condition\'s stream that it did not see', async () => {
    // 40 appends conditioned on "no lock yet" race one lock: each either lands before the lock, or is refused.
    const locks = t.stream('period');
    const racers = Array.from({ length: 40 }, (_, index) => t.store().appendToStream(t.stream(`activity-${index}`), [newEvent('Fact', { index })], {
      expectedRevision: NO_STREAM, conditions: [{ streamId: locks, revision: -1 }],
    }));
    const lock = t.store().appendToStream(locks, [newEvent('PeriodLocked')], { expectedRevision: NO_STREAM });
    const [settled, locked] = await Promise.all([Promise.allSettled(racers), lock]);
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') expect(outcome.value.position).toBeLessThan(locked.position);
      else expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
    }
  });
}
