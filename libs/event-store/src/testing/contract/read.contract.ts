import { ANY, NO_STREAM, type RecordedEvent } from '../../event-store';
import { events, expectStrictlyIncreasing, ISO_UTC_MILLIS, newEvent, sleep, type ContractContext } from './context';

export function readContract(t: ContractContext): void {
  it('reads a stream in revision order, from a revision, and [] for a missing stream', async () => {
    const stream = t.stream('activity');
    await t.store().appendToStream(stream, events(2), { expectedRevision: NO_STREAM });
    await t.store().appendToStream(t.stream('between'), events(1), { expectedRevision: NO_STREAM });
    await t.store().appendToStream(stream, events(2), { expectedRevision: 1 });
    const all = await t.store().readStream(stream);
    expect(all.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
    expect(all.every((event) => event.streamId === stream)).toBe(true);
    expect((await t.store().readStream(stream, { fromRevision: 2 })).map((event) => event.revision)).toEqual([2, 3]);
    expect(await t.store().readStream(t.stream('nobody'))).toEqual([]);
  });

  it('keeps type, data and metadata exactly', async () => {
    const stream = t.stream('donation');
    const data = { amount: 150_000, donor: { name: '张三', anonymous: false }, items: [{ description: '大米', quantity: 50 }], note: null };
    const metadata = { actor: 'officer-7', commandId: 'c-1', correlationId: 'r-1', orgUnitId: 'gaocun', schemaVersion: 1 };
    await t.store().appendToStream(stream, [{ type: 'DonationReceived', data, metadata }], { expectedRevision: NO_STREAM });
    const [event] = await t.store().readStream(stream);
    expect(event).toMatchObject({ streamId: stream, revision: 0, type: 'DonationReceived', data, metadata });
  });

  it('reads the global log with metadataKeys: each named key that the metadata holds, exactly, and the rest of the event whole', async () => {
    const base = await t.store().headPosition();
    const stream = t.stream('keys');
    const metadata = { actor: 'officer-7', schemaVersion: 2, note: null, scope: { unit: 'gaocun', levels: [1, 2] }, flag: false, commandId: 'c-1' };
    const data = { amount: 150_000, donor: { name: '张三' } };
    await t.store().appendToStream(stream, [{ type: 'DonationReceived', data, metadata }, { type: 'Tick', data: {}, metadata: {} }],
      { expectedRevision: NO_STREAM });
    const whole = await t.store().readAll({ after: base, limit: 10 });
    const keyed = await t.store().readAll({ after: base, limit: 10, metadataKeys: ['actor', 'schemaVersion', 'note', 'scope', 'flag', 'missing'] });
    expect(keyed.map(({ metadata: _m, ...rest }) => rest)).toEqual(whole.map(({ metadata: _m, ...rest }) => rest));
    // An adapter may return more keys than asked, never other values.
    expect(keyed[0].metadata).toMatchObject({ actor: 'officer-7', schemaVersion: 2, note: null, scope: { unit: 'gaocun', levels: [1, 2] }, flag: false });
    expect(keyed[0].metadata).not.toHaveProperty('missing');
    expect(keyed[1].metadata).not.toHaveProperty('actor');
  });

  it('reads the global log in position order, after a position, up to a limit, without skip or repeat', async () => {
    const base = await t.store().headPosition();
    const streams = ['a', 'b', 'c'].map((name) => t.stream(name));
    for (let round = 0; round < 3; round++) {
      for (const stream of streams) await t.store().appendToStream(stream, [newEvent('Tick', { round })], { expectedRevision: ANY });
    }
    const all = await t.store().readAll({ after: base, limit: 100 });
    expect(all).toHaveLength(9);
    expectStrictlyIncreasing(all.map((event) => event.position), base);
    expect(all.map((event) => [event.streamId, event.data.round])).toEqual(
      [0, 1, 2].flatMap((round) => streams.map((stream) => [stream, round])),
    );
    const paged: RecordedEvent[] = [];
    for (let after = base; ; ) {
      const page = await t.store().readAll({ after, limit: 2 });
      expect(page.length).toBeLessThanOrEqual(2);
      if (page.length === 0) break;
      paged.push(...page);
      after = page[page.length - 1].position;
    }
    expect(paged).toEqual(all);
    expect(await t.store().readAll({ after: all[8].position, limit: 10 })).toEqual([]);
    // A page from the middle of the log starts right after its `after`.
    expect(await t.store().readAll({ after: all[3].position, limit: 2 })).toEqual(all.slice(4, 6));
  });

  it('streams the whole log over many pages exactly as readAll returns it', async () => {
    const base = await t.store().headPosition();
    for (let index = 0; index < 6; index++) {
      await t.store().appendToStream(t.stream(`s${index % 2}`), events(5), { expectedRevision: ANY });
    }
    const streamed: RecordedEvent[] = [];
    for await (const event of t.store().streamAll({ after: base, batchSize: 4 })) streamed.push(event);
    expect(streamed).toHaveLength(30);
    expect(streamed).toEqual(await t.store().readAll({ after: base, limit: 1000 }));
  });

  it('reads pages (where the adapter offers readPages) holding exactly what readAll holds, from after to until', async () => {
    const store = t.store();
    if (!store.readPages) return;
    const base = await store.headPosition();
    // Text that is more than one byte a character in UTF-8 (CJK, an emoji of four), escapes, and metadata keys that are
    // JSON null, nested, or missing.
    const tricky = [
      { type: '活动Recorded', data: { title: '民族团结进步宣讲 🎉', note: 'a "quoted" \\ back\nslash\ttab', n: 1.5, nil: null }, metadata: { actor: '村务员-7', schemaVersion: 2, note: null } },
      { type: 'Tick', data: {}, metadata: {} },
      { type: 'Tick', data: { deep: { list: [1, 'ü', { x: '€' }] } }, metadata: { actor: 'officer-1', scope: { unit: 'gaocun' } } },
    ];
    await store.appendToStream(t.stream('pages'), tricky, { expectedRevision: NO_STREAM });
    for (let index = 0; index < 4; index++) await store.appendToStream(t.stream(`pages${index % 2}`), events(3), { expectedRevision: ANY });
    const all = await store.readAll({ after: base, limit: 1000 });
    expect(all).toHaveLength(15);
    const collect = async (options: Parameters<NonNullable<typeof store.readPages>>[0]) => {
      const pages: RecordedEvent[][] = [];
      for await (const page of store.readPages!(options)) pages.push(page);
      return pages;
    };
    const pages = await collect({ after: base, until: all[14].position, batchSize: 4 });
    expect(pages.every((page) => page.length >= 1 && page.length <= 4)).toBe(true);
    expect(pages.flat()).toEqual(all);
    const keys = ['actor', 'schemaVersion', 'note', 'scope', 'missing'];
    const keyed = (await collect({ after: base, until: all[14].position, batchSize: 100, metadataKeys: keys })).flat();
    expect(keyed).toEqual(await store.readAll({ after: base, limit: 1000, metadataKeys: keys }));
    // A window in the middle: after is exclusive, until inclusive, even though the log goes on.
    expect((await collect({ after: all[2].position, until: all[9].position, batchSize: 3 })).flat()).toEqual(all.slice(3, 10));
    expect(await collect({ after: all[14].position, until: all[14].position, batchSize: 3 })).toEqual([]);
  });

  it('gives committed events strictly increasing positions, each append its own, ending at the head', async () => {
    const base = await t.store().headPosition();
    const results = [];
    for (let index = 0; index < 5; index++) {
      results.push(await t.store().appendToStream(t.stream(`p${index}`), events(index + 1), { expectedRevision: NO_STREAM }));
    }
    const all = await t.store().readAll({ after: base, limit: 100 });
    expect(all).toHaveLength(15);
    expectStrictlyIncreasing(all.map((event) => event.position), base);
    // The log is the appends one after another, each answered with its own first and last event's positions.
    let offset = 0;
    results.forEach((result, index) => {
      const own = all.slice(offset, offset + index + 1);
      expect(own.every((event) => event.streamId === t.stream(`p${index}`))).toBe(true);
      expect([result.firstPosition, result.position]).toEqual([own[0].position, own[own.length - 1].position]);
      offset += index + 1;
    });
    expect(await t.store().headPosition()).toBe(all[14].position);
  });

  it('stamps recordedAt at commit as ISO UTC with milliseconds, non-decreasing with position', async () => {
    const base = await t.store().headPosition();
    const before = Date.now();
    for (let index = 0; index < 5; index++) {
      await t.store().appendToStream(t.stream('clock'), events(2), { expectedRevision: ANY });
    }
    const after = Date.now();
    const all = await t.store().readAll({ after: base, limit: 100 });
    for (const event of all) {
      expect(event.recordedAt).toMatch(ISO_UTC_MILLIS);
      expect(Date.parse(event.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(event.recordedAt)).toBeLessThanOrEqual(after + 1000);
    }
    const stamps = all.map((event) => event.recordedAt);
    expect(stamps).toEqual([...stamps].sort());
  });

  it('answers positionAt with the last position recorded at or before an instant', async () => {
    const first = await t.store().appendToStream(t.stream('early'), events(2), { expectedRevision: NO_STREAM });
    await sleep(15);
    const cut = new Date().toISOString();
    await sleep(15);
    const second = await t.store().appendToStream(t.stream('late'), events(1), { expectedRevision: NO_STREAM });
    expect(await t.store().positionAt(cut)).toBe(first.position);
    const [late] = await t.store().readStream(t.stream('late'));
    expect(await t.store().positionAt(late.recordedAt)).toBe(second.position);
    expect(await t.store().positionAt('1970-01-01T00:00:00.000Z')).toBe(0);
    expect(await t.store().positionAt('2999-01-01T00:00:00.000Z')).toBe(await t.store().headPosition());
  });

  it('answers ping', async () => {
    await expect(t.store().ping()).resolves.toBeUndefined();
  });
}

