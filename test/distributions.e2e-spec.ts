import { LedgerTestApp, type Reply } from './support/ledger-app';

/**
 * Goods handed on (issue 6 §4) over HTTP on a real SQLite store: campaign c1 at county A receives 50 袋 大米 and
 * 30 床 棉被 at village A; an organiser of county A distributes part, then the rest, and nothing more; each goods
 * donation shows what is left.
 */
describe('goods distributions', () => {
  let ledger: LedgerTestApp;
  const tokens: Record<string, string> = {};
  const TODAY = new Date().toISOString().slice(0, 10);
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });

  const goods = (id: string, extra: Record<string, unknown> = {}) => ({
    id, campaignId: 'c1', orgUnitId: 'village-a', donor: { name: '爱心企业', kind: 'organisation' }, kind: 'goods', amount: 800_000,
    receivedOn: TODAY, items: [{ description: '大米', quantity: 50, unit: '袋' }, { description: '棉被', quantity: 30, unit: '床' }],
    ...extra,
  });
  const distribution = (items: { index: number; quantity: number }[], extra: Record<string, unknown> = {}) =>
    ({ items, recipient: { orgUnitId: 'village-a' }, beneficiaries: 12, distributedOn: TODAY, ...extra });

  /** A refused write: the status and code, and nothing appended anywhere. */
  async function expectRefused(write: () => Promise<Reply>, status: number, code?: string): Promise<Reply> {
    const head = await ledger.head();
    const reply = await write();
    // The body is shown only when the status is wrong.
    expect({ status: reply.status, body: reply.status === status ? undefined : reply.text }).toEqual({ status, body: undefined });
    expect(reply.headers['content-type']).toMatch(/problem\+json/);
    if (code) expect(reply.body.code).toBe(code);
    expect(await ledger.head()).toBe(head);
    return reply;
  }

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
    await ledger.ok('/org-units', { id: 'county-a', name: '麻阳县', level: 'county', parentId: 'city' });
    await ledger.ok('/org-units', { id: 'county-b', name: '芷江县', level: 'county', parentId: 'city' });
    await ledger.ok('/org-units', { id: 'village-a', name: '新营村', level: 'village', parentId: 'county-a' });
    await ledger.ok('/org-units', { id: 'village-a2', name: '高村', level: 'village', parentId: 'county-a' });
    await ledger.ok('/org-units', { id: 'village-b', name: '岩桥村', level: 'village', parentId: 'county-b' });
    await ledger.ok('/campaigns', { id: 'c1', name: '民族团结进步创建', orgUnitId: 'county-a' });
    await ledger.ok('/activities', {
      id: 'act-a', orgUnitId: 'village-a2', campaignId: 'c1', title: '冬季送温暖', category: 'public_welfare', occurredOn: TODAY, participants: 40,
    });
    await ledger.ok('/donations', goods('g1'));
    await ledger.ok('/donations', { ...goods('m1'), kind: 'money', amount: 50_000, items: undefined, method: 'wechat_pay' });
    for (const [who, role, orgUnitId] of [['organiser', 'organiser', 'county-a'], ['analyst', 'analyst', 'county-a'],
      ['recorder', 'recorder', 'county-a'], ['organiser-b', 'organiser', 'county-b'], ['village-organiser', 'organiser', 'village-a2']]) {
      const issued = await ledger.post('/tokens', { name: who, role, orgUnitId });
      expect(issued.status).toBe(201);
      tokens[who] = issued.body.token;
    }
  }, 60_000);
  afterAll(async () => {
    await ledger.stop();
  });

  it('shows a fresh goods donation with everything left', async () => {
    const reply = await ledger.get('/donations/g1', as('organiser'));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      id: 'g1', campaignId: 'c1', orgUnitId: 'village-a', path: ['city', 'county-a', 'village-a'], streamId: 'campaign-c1',
      revision: expect.any(Number), kind: 'goods', amount: 800_000, refunded: 0, receivedOn: TODAY, method: null, reference: null,
      donor: { name: '爱心企业', kind: 'organisation', anonymous: false, erased: false },
      refunds: [],
      items: [
        { index: 0, description: '大米', unit: '袋', received: 50, distributed: 0, remaining: 50 },
        { index: 1, description: '棉被', unit: '床', received: 30, distributed: 0, remaining: 30 },
      ],
      distributions: [],
    });
  });

  it('distributes part (201 command response), then the rest, then refuses one more with 409 and appends nothing', async () => {
    const part = await ledger.post('/donations/g1/distributions',
      distribution([{ index: 0, quantity: 20 }], { distributionId: 'x1', notes: '发放给困难户' }), as('organiser'));
    expect(part.status).toBe(201);
    expect(part.body).toEqual({ id: 'x1', streamId: 'campaign-c1', revision: expect.any(Number), position: expect.any(Number) });
    expect(part.headers.etag).toBe(`"${part.body.revision}"`);
    expect((await ledger.get('/donations/g1', as('organiser'))).body.items.map((item: { remaining: number }) => item.remaining)).toEqual([30, 30]);

    const rest = await ledger.post('/donations/g1/distributions',
      distribution([{ index: 1, quantity: 30 }, { index: 0, quantity: 30 }], { recipient: { activityId: 'act-a' }, beneficiaries: 40 }), as('organiser'));
    expect(rest.status).toBe(201);

    const more = await expectRefused(() => ledger.post('/donations/g1/distributions', distribution([{ index: 0, quantity: 1 }]), as('organiser')),
      409, 'DISTRIBUTION_EXCEEDS_DONATION');
    expect(more.body.errors).toEqual([{ path: 'items[0].quantity', message: expect.stringContaining('0 袋 remaining') }]);

    const shown = (await ledger.get('/donations/g1', as('analyst'))).body;
    expect(shown.items).toEqual([
      { index: 0, description: '大米', unit: '袋', received: 50, distributed: 50, remaining: 0 },
      { index: 1, description: '棉被', unit: '床', received: 30, distributed: 30, remaining: 0 },
    ]);
    expect(shown.distributions).toEqual([
      {
        distributionId: 'x1', recipient: { orgUnitId: 'village-a' }, orgUnitId: 'village-a',
        items: [{ index: 0, description: '大米', quantity: 20, unit: '袋' }], beneficiaries: 12, distributedOn: TODAY,
        notes: '发放给困难户', recordedAt: expect.any(String), position: part.body.position,
      },
      {
        distributionId: rest.body.id, recipient: { activityId: 'act-a' }, orgUnitId: 'village-a2',
        items: [{ index: 1, description: '棉被', quantity: 30, unit: '床' }, { index: 0, description: '大米', quantity: 30, unit: '袋' }],
        beneficiaries: 40, distributedOn: TODAY, notes: null, recordedAt: expect.any(String), position: rest.body.position,
      },
    ]);
    // Analysts see no donor names.
    expect(shown.donor).toEqual({ name: null, kind: 'organisation', anonymous: false, erased: false });

    const event = (await ledger.get('/streams/campaign-c1')).body.events.at(-1);
    expect(event).toMatchObject({
      type: 'GoodsDistributed', revision: rest.body.revision,
      data: { donationId: 'g1', campaignId: 'c1', orgUnitId: 'village-a2', orgPath: ['city', 'county-a', 'village-a2'] },
      metadata: { orgUnitId: 'village-a2', schemaVersion: 1, commandId: expect.any(String) },
    });
  });

  it('lets only one of two simultaneous distributions that together exceed what remains land', async () => {
    await ledger.ok('/donations', goods('g2'));
    const replies = await Promise.all([1, 2].map((n) => ledger.post('/donations/g2/distributions',
      distribution([{ index: 0, quantity: 30 }], { distributionId: `race-${n}` }), as('organiser'))));
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
    expect(replies.find((reply) => reply.status === 409)!.body.code).toBe('DISTRIBUTION_EXCEEDS_DONATION');
    expect((await ledger.get('/donations/g2')).body.items[0]).toMatchObject({ distributed: 30, remaining: 20 });
  });

  it('refuses a money donation with 409, an unknown one with 404, and a used distribution id with 409', async () => {
    await expectRefused(() => ledger.post('/donations/m1/distributions', distribution([{ index: 0, quantity: 1 }]), as('organiser')),
      409, 'INVALID_TRANSITION');
    await expectRefused(() => ledger.post('/donations/nope/distributions', distribution([{ index: 0, quantity: 1 }])), 404, 'NOT_FOUND');
    await expectRefused(() => ledger.post('/donations/g2/distributions', distribution([{ index: 0, quantity: 1 }], { distributionId: 'race-1' })),
      409);
  });

  it('answers 422 for an item the donation lacks, a recipient outside the campaign, an unknown activity, a date before receipt', async () => {
    const unknownItem = await expectRefused(() => ledger.post('/donations/g2/distributions', distribution([{ index: 2, quantity: 1 }])),
      422, 'UNKNOWN_REFERENCE');
    expect(unknownItem.body.errors).toEqual([{ path: 'items[0].index', message: expect.any(String) }]);
    const outside = await expectRefused(() => ledger.post('/donations/g2/distributions',
      distribution([{ index: 0, quantity: 1 }], { recipient: { orgUnitId: 'village-b' } })), 422, 'INVALID_REFERENCE');
    expect(outside.body.errors).toEqual([{ path: 'recipient.orgUnitId', message: expect.any(String) }]);
    await expectRefused(() => ledger.post('/donations/g2/distributions',
      distribution([{ index: 0, quantity: 1 }], { recipient: { activityId: 'no-such-activity' } })), 422, 'UNKNOWN_REFERENCE');
    await expectRefused(() => ledger.post('/donations/g2/distributions',
      distribution([{ index: 0, quantity: 1 }], { distributedOn: '2000-01-01' })), 422, 'INVALID_VALUE');
  });

  it('answers bad bodies with 400 naming each bad field, and appends nothing', async () => {
    const bad = await expectRefused(() => ledger.post('/donations/g2/distributions', {
      items: [{ index: '0', quantity: 1.5 }], recipient: { orgUnitId: 'village-a', activityId: 'act-a' }, beneficiaries: '3',
      distributedOn: '2026-02-30', notes: '', extra: true,
    }), 400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'beneficiaries', 'distributedOn', 'extra', 'items[0].index', 'items[0].quantity', 'notes', 'recipient',
    ]);
    const empty = await expectRefused(() => ledger.post('/donations/g2/distributions', {}), 400);
    expect(empty.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['beneficiaries', 'distributedOn', 'items', 'recipient']);
    const nested = await expectRefused(() => ledger.post('/donations/g2/distributions', {
      ...distribution([]), recipient: { orgUnitId: 'bad id!', more: 1 }, distributionId: 'x/1',
    }), 400);
    expect(nested.body.errors.map((error: { path: string }) => error.path).sort())
      .toEqual(['distributionId', 'items', 'recipient.more', 'recipient.orgUnitId']);
    const noRecipient = await expectRefused(() => ledger.post('/donations/g2/distributions', { ...distribution([{ index: 0, quantity: 1 }]), recipient: {} }), 400);
    expect(noRecipient.body.errors).toEqual([{ path: 'recipient', message: 'recipient must name exactly one of orgUnitId and activityId' }]);
    await expectRefused(() => ledger.post('/donations/bad id/distributions', distribution([{ index: 0, quantity: 1 }])), 400);
  });

  it('refuses with 403 a recipient or a donation outside the caller\'s scope, and roles that handle no goods', async () => {
    await expectRefused(() => ledger.post('/donations/g2/distributions',
      distribution([{ index: 0, quantity: 1 }], { recipient: { orgUnitId: 'village-b' } }), as('organiser')), 403, 'FORBIDDEN');
    // In scope of the recipient (village A2) but not of the donation (village A).
    await expectRefused(() => ledger.post('/donations/g2/distributions',
      distribution([{ index: 0, quantity: 1 }], { recipient: { orgUnitId: 'village-a2' } }), as('village-organiser')), 403, 'FORBIDDEN');
    await expectRefused(() => ledger.post('/donations/g2/distributions', distribution([{ index: 0, quantity: 1 }]), as('organiser-b')), 403);
    await expectRefused(() => ledger.post('/donations/g2/distributions',
      distribution([{ index: 0, quantity: 1 }], { recipient: { activityId: 'no-such-activity' } }), as('organiser')), 403);
    await expectRefused(() => ledger.post('/donations/g2/distributions', distribution([{ index: 0, quantity: 1 }]), as('recorder')), 403);
    await expectRefused(() => ledger.post('/donations/g2/distributions', distribution([{ index: 0, quantity: 1 }]), as('analyst')), 403);
    expect((await ledger.get('/donations/g2', as('organiser-b'))).status).toBe(403);
    expect((await ledger.get('/donations/nope', as('organiser'))).status).toBe(403);
    expect((await ledger.get('/donations/nope')).status).toBe(404);
  });

  it('appends once for a retry with the same Idempotency-Key, and refuses the key with another body', async () => {
    const body = distribution([{ index: 1, quantity: 5 }]);
    const headers = { ...as('organiser'), 'idempotency-key': 'village-a-goods-1' };
    const first = await ledger.post('/donations/g2/distributions', body, headers);
    expect(first.status).toBe(201);
    const head = await ledger.head();
    const again = await ledger.post('/donations/g2/distributions', body, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await ledger.head()).toBe(head);
    expect((await ledger.post('/donations/g2/distributions', { ...body, beneficiaries: 13 }, headers)).status).toBe(422);
    const shown = (await ledger.get('/donations/g2')).body;
    expect(shown.distributions.filter((d: { distributionId: string }) => d.distributionId === first.body.id)).toHaveLength(1);
    expect(shown.items[1]).toMatchObject({ distributed: 5, remaining: 25 });
  });

  it('never shows an anonymous donor\'s name, and shows money donations with their refunds and no items', async () => {
    await ledger.ok('/donations', goods('g3', { donor: { name: '李四', kind: 'individual', anonymous: true } }));
    expect((await ledger.get('/donations/g3')).body.donor).toEqual({ name: null, kind: 'individual', anonymous: true, erased: false });
    await ledger.ok('/donations/m1/refunds', { refundId: 'r1', amount: 1_000, reason: '多转' });
    const money = (await ledger.get('/donations/m1?minPosition=1', as('organiser'))).body;
    expect(money).toMatchObject({ kind: 'money', amount: 50_000, refunded: 1_000, items: [], distributions: [], method: 'wechat_pay' });
    expect(money.refunds).toEqual([{ refundId: 'r1', amount: 1_000, refundedOn: expect.any(String), reason: '多转', recordedAt: expect.any(String), position: expect.any(Number) }]);
    expect((await ledger.get('/donations/m1?minPosition=x')).status).toBe(400);
  });

  it('refuses a distribution dated in a month locked for the recipient\'s unit', async () => {
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15)).toISOString().slice(0, 10);
    await ledger.ok('/donations', goods('g4', { receivedOn: lastMonth }));
    expect((await ledger.post(`/periods/${lastMonth.slice(0, 7)}/lock`, { orgUnitId: 'village-a2', reason: '已上报' })).status).toBe(201);
    const locked = await expectRefused(() => ledger.post('/donations/g4/distributions',
      distribution([{ index: 0, quantity: 1 }], { recipient: { orgUnitId: 'village-a2' }, distributedOn: lastMonth })), 409, 'PERIOD_LOCKED');
    expect(locked.body.errors).toEqual([{ path: 'distributedOn', message: expect.any(String) }]);
    expect((await ledger.post('/donations/g4/distributions', distribution([{ index: 0, quantity: 1 }], { distributedOn: lastMonth }))).status).toBe(201);
  });

  it('Given 20 bags of rice handed to 20 people Then the goods figures and their breakdowns move, and the activity and disbursement figures do not', async () => {
    const read = async (path: string, position: number) => (await ledger.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${position}`)).body;
    const rice = await ledger.ok('/donations', goods('rice', { amount: 100_000, items: [{ description: '大米', quantity: 30, unit: '袋' }] }));
    const before = await read('/stats/totals?orgUnitId=county-a', rice.position);
    const unitsBefore = await read('/stats/breakdown?by=goodsUnit&orgUnitId=county-a', rice.position);
    // A millisecond back: the distribution is recorded strictly after it.
    const instant = new Date(Date.now() - 1).toISOString();

    const handed = await ledger.ok('/donations/rice/distributions',
      distribution([{ index: 0, quantity: 20 }], { recipient: { orgUnitId: 'village-a2' }, beneficiaries: 20 }), as('organiser'));
    const after = await read('/stats/totals?orgUnitId=county-a', handed.position);
    // 20 of 30 bags worth 100,000 分: ⌊100,000 × 20 / 30⌋.
    expect(after).toEqual({
      ...before, goodsDistributions: before.goodsDistributions + 1, goodsDistributedValue: before.goodsDistributedValue + 66_666,
      distributionBeneficiaries: before.distributionBeneficiaries + 20, position: handed.position,
    });
    expect(before.goodsDistributions).toBeGreaterThan(0);

    const bags = (rows: { key: string | null; goodsQuantity: number; goodsDistributedValue: number }[]) => rows.find((row) => row.key === '袋')!;
    const unitsAfter = await read('/stats/breakdown?by=goodsUnit&orgUnitId=county-a', handed.position);
    expect(bags(unitsAfter.rows)).toMatchObject({
      label: '袋', goodsQuantity: bags(unitsBefore.rows).goodsQuantity + 20,
      goodsDistributedValue: bags(unitsBefore.rows).goodsDistributedValue + 66_666,
    });
    expect(unitsAfter.rows.find((row: { key: string | null }) => row.key === '床')).toMatchObject({ goodsQuantity: 30 + 5, goodsDistributedValue: 0 });
    const villages = await read('/stats/breakdown?by=orgUnit&orgUnitId=county-a', handed.position);
    expect(villages.rows.find((row: { key: string }) => row.key === 'village-a2')).toMatchObject({ distributionBeneficiaries: 40 + 20 });
    const month = (await read(`/stats/breakdown?by=month&campaignId=c1&from=${TODAY}&to=${TODAY}`, handed.position)).rows;
    expect(month).toEqual([expect.objectContaining({ key: TODAY.slice(0, 7), goodsDistributions: after.goodsDistributions - 1 })]);

    // As the ledger knew it before: unchanged.
    expect(await read(`/stats/totals?orgUnitId=county-a&asOf=${encodeURIComponent(instant)}`, handed.position))
      .toMatchObject({ goodsDistributions: before.goodsDistributions, goodsDistributedValue: before.goodsDistributedValue });
  });

  it('values the goods handed out by each line\'s value where the donation states one, and refuses values that do not add up', async () => {
    const lines = [{ description: '大米', quantity: 20, unit: '袋', value: 30_000 }, { description: '棉被', quantity: 10, unit: '床', value: 20_000 }];
    const valued = await ledger.ok('/donations', goods('valued', { amount: 50_000, items: lines }));
    const before = (await ledger.get(`/stats/totals?orgUnitId=county-a&minPosition=${valued.position}`)).body;
    expect((await ledger.get('/donations/valued')).body.items).toEqual([
      { index: 0, description: '大米', unit: '袋', value: 30_000, received: 20, distributed: 0, remaining: 20 },
      { index: 1, description: '棉被', unit: '床', value: 20_000, received: 10, distributed: 0, remaining: 10 },
    ]);
    const handed = await ledger.ok('/donations/valued/distributions', distribution([{ index: 0, quantity: 10 }, { index: 1, quantity: 3 }]));
    const after = (await ledger.get(`/stats/totals?orgUnitId=county-a&minPosition=${handed.position}`)).body;
    // ⌊30,000 × 10 / 20⌋ + ⌊20,000 × 3 / 10⌋.
    expect(after.goodsDistributedValue - before.goodsDistributedValue).toBe(15_000 + 6_000);

    const unbalanced = await expectRefused(() => ledger.post('/donations', goods('unbalanced', { amount: 50_000,
      items: [lines[0], { ...lines[1], value: 19_999 }] })), 422, 'INVALID_VALUE');
    expect(unbalanced.body.errors).toEqual([{ path: 'items', message: expect.stringContaining('49999') }]);
    const partial = await expectRefused(() => ledger.post('/donations', goods('partial', { items: [lines[0], { ...lines[1], value: undefined }] })),
      422, 'INVALID_VALUE');
    expect(partial.body.errors).toEqual([{ path: 'items[1].value', message: expect.any(String) }]);
    const bad = await expectRefused(() => ledger.post('/donations', goods('bad', { items: [{ ...lines[0], value: -1 }, { ...lines[1], value: '2' }] })), 400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['items[0].value', 'items[1].value']);
  });

    it('describes the goods figures in the OpenAPI answers of the totals and the breakdowns', async () => {
    const { schemas } = (await ledger.request('GET', '/docs-json', undefined, { authorization: '' })).body.components;
    for (const figure of ['goodsDistributions', 'goodsDistributedValue', 'distributionBeneficiaries', 'materialsDistributed']) {
      expect(schemas.TotalsDto.properties[figure]).toMatchObject({ type: 'integer', description: expect.any(String) });
      expect(schemas.BreakdownRowDto.properties[figure]).toMatchObject({ type: 'integer' });
    }
    expect(schemas.TotalsDto.properties.materialsDistributed.description).toMatch(/Publicity materials distributed/);
    expect(schemas.BreakdownRowDto.properties.goodsQuantity).toMatchObject({ type: 'integer' });
    expect(schemas.BreakdownRowDto.required).not.toContain('goodsQuantity');
  });
});
