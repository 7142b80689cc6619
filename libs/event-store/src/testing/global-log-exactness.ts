import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ANY, NO_STREAM, WrongExpectedRevisionError, type EventStore, type ExpectedRevision, type NewEvent } from '../event-store';

export interface GlobalLogFixture {
  store: EventStore;
  /** Drops whatever `open` created. The scenario closes `store` before calling it. */
  cleanup: () => Promise<void>;
}

export interface GlobalLogExactnessOptions {
  /** Events appended in total by all writers together. */
  events: number;
  /** Concurrent writers. Default 8. */
  writers?: number;
  /** Jest timeout of the test. Default 120 s. */
  timeoutMs?: number;
}

/** Where an acknowledged (or seen) event sits in the log. */
interface Placement {
  /** Acknowledged: known for an append's first and last event only (positions need not be dense). */
  position?: number;
  streamId: string;
  revision: number;
  /** Seen: the event's place in the reader's sequence. Acknowledged: its append's id and its index in it. */
  ordinal?: number;
  append?: string;
  index?: number;
}

const SHARED_STREAMS = 4;
const OWN_STREAMS = 16;
const PAGE = 500;
/** Batch sizes drawn for an append: mostly single events, some multi-event appends. */
const BATCH_SIZES = [1, 1, 1, 1, 2, 3, 5, 8];

/**
 * "Global-log exactness under concurrency": concurrent writers append to their own streams and to a few shared
 * streams (ANY or exact revisions, retrying on WrongExpectedRevisionError; single- and multi-event appends) while
 * one reader follows the global log with `readAll({ after, limit: 500 })`. The reader must see every acknowledged
 * event exactly once, at the revision it was acknowledged with, each append's events one after another between
 * the first and last positions it was answered with, positions strictly increasing (KurrentDB's have gaps, so
 * not necessarily dense), each stream's events in revision order, and nothing that was not acknowledged.
 * Every adapter runs it unchanged; `open` runs once, for the one test.
 */
export function describeGlobalLogExactness(
  adapterName: string,
  open: () => Promise<GlobalLogFixture>,
  options: GlobalLogExactnessOptions,
): void {
  const total = options.events;
  const writerCount = options.writers ?? 8;
  describe(`Global-log exactness under concurrency: ${adapterName}`, () => {
    it(`a reader following readAll sees each of ${total.toLocaleString('en-US')} events from ${writerCount} concurrent writers exactly once, in order, with no gap`, async () => {
      const fixture = await open();
      const { store } = fixture;
      try {
        await runScenario(store, total, writerCount);
      } finally {
        await store.close().catch(() => undefined);
        await fixture.cleanup();
      }
    }, options.timeoutMs ?? 120_000);
  });
}

async function runScenario(store: EventStore, total: number, writerCount: number): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const shared = Array.from({ length: SHARED_STREAMS }, (_, index) => `gl-${run}-shared-${index}`);
  const base = await store.headPosition();
  const acknowledged = new Map<string, Placement>();
  const problems: string[] = [];
  const problem = (text: string) => { if (problems.length < 20) problems.push(text); };
  let writersDone = false;
  let retries = 0;
  const started = Date.now();

  const record = (ids: string[], result: { streamId: string; revision: number; position: number; firstPosition: number }) => {
    if (ids.length === 1 ? result.position !== result.firstPosition : result.position <= result.firstPosition) {
      problem(`append of ${ids.length} to ${result.streamId} answered positions ${result.firstPosition}..${result.position}`);
    }
    ids.forEach((id, index) => {
      const position = index === 0 ? result.firstPosition : index === ids.length - 1 ? result.position : undefined;
      acknowledged.set(id, {
        position, streamId: result.streamId, revision: result.revision - ids.length + 1 + index, append: ids[0], index,
      });
    });
  };

  const writer = async (writerIndex: number, quota: number) => {
    const random = seeded(writerIndex + 1);
    const own = Array.from({ length: OWN_STREAMS }, (_, index) => `gl-${run}-w${writerIndex}-${index}`);
    const ownRevision = own.map(() => -1);
    let sequence = 0;
    let left = quota;
    while (left > 0) {
      const size = Math.min(left, BATCH_SIZES[Math.floor(random() * BATCH_SIZES.length)]);
      const ids = Array.from({ length: size }, () => `${run}:${writerIndex}:${sequence++}`);
      const events: NewEvent[] = ids.map((id) => ({ type: 'GlobalLogProbe', data: { id }, metadata: { writer: writerIndex } }));
      const pick = random();
      if (pick < 0.75) {
        // An own stream: nobody else writes it, so the exact revision known here is always right.
        const slot = Math.floor(random() * OWN_STREAMS);
        const useAny = random() < 0.2;
        const expected: ExpectedRevision = useAny ? ANY : ownRevision[slot] === -1 ? NO_STREAM : ownRevision[slot];
        const result = await store.appendToStream(own[slot], events, { expectedRevision: expected });
        ownRevision[slot] = result.revision;
        record(ids, result);
      } else {
        const streamId = shared[Math.floor(random() * SHARED_STREAMS)];
        if (random() < 0.5) {
          record(ids, await store.appendToStream(streamId, events, { expectedRevision: ANY }));
        } else {
          // Exact revision on a contended stream: read it, append, retry when another writer got there first.
          for (let attempt = 0; ; attempt++) {
            const revision = await store.streamRevision(streamId);
            try {
              record(ids, await store.appendToStream(streamId, events, { expectedRevision: revision === -1 ? NO_STREAM : revision }));
              break;
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError) || attempt >= 1000) throw error;
              retries++;
            }
          }
        }
      }
      left -= size;
    }
  };

  const seen = new Map<string, Placement>();
  const lastAcknowledged = () => [...acknowledged.values()].reduce((max, placement) => Math.max(max, placement.position ?? base), base);
  const reader = async () => {
    const nextRevision = new Map<string, number>();
    let after = base;
    let finalHead: number | undefined;
    for (;;) {
      const page = await store.readAll({ after, limit: PAGE });
      if (page.length === 0) {
        if (finalHead !== undefined && after >= finalHead) return;
        // Done once every acknowledged event is behind the reader. Not `headPosition()` at one instant: on
        // PostgreSQL a transaction open anywhere on the server may hold the visible head back for a while.
        if (writersDone && finalHead === undefined) {
          finalHead = lastAcknowledged();
          continue;
        }
        await sleep(2);
        continue;
      }
      if (page.length > PAGE) problem(`readAll returned ${page.length} events for limit ${PAGE}`);
      for (const event of page) {
        if (event.position <= after) problem(`after position ${after} the reader got ${event.position}`);
        after = event.position;
        const id = String(event.data.id);
        if (seen.has(id)) problem(`event ${id} seen twice (positions ${seen.get(id)!.position} and ${event.position})`);
        seen.set(id, { position: event.position, streamId: event.streamId, revision: event.revision, ordinal: seen.size });
        const expected = nextRevision.get(event.streamId) ?? 0;
        if (event.revision !== expected) problem(`stream ${event.streamId}: revision ${event.revision} where ${expected} was next`);
        nextRevision.set(event.streamId, event.revision + 1);
      }
      if (finalHead !== undefined && after > finalHead) problem(`the reader passed the final head ${finalHead} (at ${after})`);
    }
  };

  const reading = reader();
  const quotas = Array.from({ length: writerCount }, (_, index) =>
    Math.floor(total / writerCount) + (index < total % writerCount ? 1 : 0));
  try {
    await Promise.all(quotas.map((quota, index) => writer(index, quota)));
  } finally {
    writersDone = true;
  }
  const writeMs = Date.now() - started;
  await reading;
  // The visible head catches up with the acknowledged writes (at once on SQLite; once older transactions
  // elsewhere on a PostgreSQL server have ended).
  const finalHead = lastAcknowledged();
  let head = await store.headPosition();
  for (const deadline = Date.now() + 30_000; head < finalHead && Date.now() < deadline; head = await store.headPosition()) await sleep(50);

  // Compare what was seen with what was acknowledged, event by event.
  for (const [id, placement] of acknowledged) {
    const got = seen.get(id);
    // An append's events follow its first one directly in the reader's sequence.
    const firstOfAppend = seen.get(placement.append!);
    if (!got) problem(`acknowledged event ${id} (append ${placement.append}) was never seen`);
    else if (
      (placement.position !== undefined && got.position !== placement.position)
      || got.streamId !== placement.streamId || got.revision !== placement.revision
      || firstOfAppend === undefined || got.ordinal !== firstOfAppend.ordinal! + placement.index!
    ) {
      problem(`event ${id}: acknowledged ${JSON.stringify(placement)}, seen ${JSON.stringify(got)}`);
    }
  }
  for (const id of seen.keys()) if (!acknowledged.has(id)) problem(`event ${id} was seen but never acknowledged`);

  console.log(
    `global log exactness: ${acknowledged.size} events by ${writerCount} writers in ${writeMs} ms (${retries} revision retries), ` +
    `reader done at ${Date.now() - started} ms`,
  );
  expect(problems).toEqual([]);
  expect(acknowledged.size).toBe(total);
  expect(seen.size).toBe(total);
  expect(head).toBe(finalHead);
  expect([...seen.values()].reduce((max, placement) => Math.max(max, placement.position!), base)).toBe(finalHead);
}

/** mulberry32: a small deterministic generator, so a failing run can be replayed with the same choices. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
