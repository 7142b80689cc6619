/**
 * CONTRACT §6 as a table: every role × every endpoint × (in scope, out of scope), each cell's status asserted,
 * and nothing appended by any refused request. The callers are bound to county k1; "in" addresses village v1
 * under it, "out" village v2 under county k2. The bootstrap admin (whole ledger) and callers without a token or
 * with an unknown one are rows too.
 */
import { fileHash, writeCsv, writeXlsx } from '@tongxin/imports';
import { LedgerTestApp, multipartFile, TEST_TOKEN, type Reply } from './support/ledger-app';

type Caller = 'admin@k1' | 'organiser@k1' | 'recorder@k1' | 'analyst@k1' | 'bootstrap' | 'no token' | 'unknown token';
type Side = 'in' | 'out';
const SCOPED: Caller[] = ['admin@k1', 'organiser@k1', 'recorder@k1', 'analyst@k1'];
const CALLERS: Caller[] = [...SCOPED, 'bootstrap', 'no token', 'unknown token'];

let app: LedgerTestApp;
const secrets = new Map<Caller, string>();
let serial = 0;
const fresh = (prefix: string) => `${prefix}-${++serial}`;
const units = { in: 'v1', out: 'v2' } as const;
const campaigns = { in: 'cA', out: 'cB' } as const;
const TODAY = new Date().toISOString().slice(0, 10);

interface Row {
  name: string;
  /** Roles that may do it (in scope); the bootstrap admin may always. */
  allowed: readonly string[];
  /** Success status. */
  ok: number;
  /** The endpoint addresses no unit, so "out" is the same request as "in" (e.g. /events, which filters). */
  unscoped?: boolean;
  /** Builds the request, preparing targets with the bootstrap admin first; headers beside the caller's (a file's content type). */
  request: (side: Side) => Promise<[method: string, url: string, body?: unknown, headers?: Record<string, string>]>;
}

const WRITERS = ['admin', 'organiser', 'recorder'];
const ORGANISERS = ['admin', 'organiser'];
const EVERYONE = ['admin', 'organiser', 'recorder', 'analyst'];
const HISTORY = ['admin', 'organiser', 'analyst'];

async function activityIn(side: Side): Promise<string> {
  return (await app.ok('/activities', {
    orgUnitId: units[side], campaignId: campaigns[side], title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 10,
  })).id;
}
async function entryIn(side: Side): Promise<string> {
  return (await app.ok(`/volunteers/vol-${side}/hours`, { servedOn: TODAY, minutes: 60 })).id;
}
/** The side's volunteer with one verified entry to certify, logged once (a day holds 1440 minutes). */
const certifiable = new Set<Side>();
async function certifiableVolunteer(side: Side): Promise<string> {
  if (!certifiable.has(side)) await app.ok(`/volunteers/vol-${side}/hours/${await entryIn(side)}/verify`);
  certifiable.add(side);
  return `vol-${side}`;
}
async function goodsIn(side: Side): Promise<string> {
  return (await app.ok('/donations', {
    campaignId: campaigns[side], orgUnitId: units[side], donor: { name: '某企业', kind: 'organisation' }, kind: 'goods', amount: 100,
    receivedOn: TODAY, items: [{ description: '大米', quantity: 10, unit: '袋' }],
  })).id;
}
async function sheet(kind: 'activities' | 'donations'): Promise<[string, string, Buffer, Record<string, string>]> {
  const { payload, contentType } = multipartFile(await writeXlsx(kind, []), `${kind}.xlsx`);
  return ['POST', `/imports?kind=${kind}`, payload, { 'content-type': contentType }];
}
async function statement(side: Side, rows: { date: string; amount: string }[] = []): Promise<[string, string, Buffer, Record<string, string>]> {
  const { payload, contentType } = multipartFile(writeCsv('bank-lines', rows, 'zh-CN', 'utf-8-bom', ['date', 'amount']), 'statement.csv');
  return ['POST', `/bank-statements?campaignId=${campaigns[side]}`, payload, { 'content-type': contentType }];
}
/** An import job under the side's unit that refused its one row, so its refused rows download as a sheet. */
async function refusedImport(side: Side): Promise<string> {
  const file = await writeXlsx('activities', [{ orgUnitId: 'nowhere', title: '宣讲', category: '宣讲', occurredOn: TODAY, participants: 1 }]);
  const id = await app.enqueueJob('import', fresh(`import-refused-${side}`), {
    kind: 'activities', format: 'xlsx', mode: 'all-or-nothing', fileName: 'a.xlsx', hash: fileHash(file), file: file.toString('base64'),
    principal: { tokenId: 'admin', role: 'admin', scopeOrgUnitId: null },
  }, { actor: 'admin', orgUnitId: units[side] });
  await app.finished(id);
  return id;
}
/** A fresh donation and a fresh bank line of another amount (so the matching job leaves them), to match by hand. */
async function unmatchedPair(side: Side): Promise<Record<string, unknown>> {
  const donationId = (await app.ok('/donations', {
    campaignId: campaigns[side], orgUnitId: units[side], donor: { name: '某企业', kind: 'organisation' }, kind: 'money', amount: 100, receivedOn: TODAY,
  })).id;
  const [, url, payload, headers] = await statement(side, [{ date: TODAY, amount: `${500 + ++serial}.00` }]);
  const started = await app.request('POST', `/api/v1${url}`, payload, headers);
  await app.finished(started.body.id);
  return { campaignId: campaigns[side], statementId: started.body.statementId, line: 2, donationId, action: 'match', reason: '核对回单' };
}
async function tokenIn(side: Side): Promise<string> {
  return (await app.post('/tokens', { name: 'to revoke', role: 'analyst', orgUnitId: units[side] })).body.id;
}

/** A month long past, a new one each call, so locks never refuse the other cells' facts (dated today). */
let months = 0;
function oldMonth(): string {
  const m = months++;
  return `${2010 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

const ROWS: Row[] = [
  { name: 'POST /org-units', allowed: WRITERS, ok: 201, request: async (s) => ['POST', '/org-units', { id: fresh('grid'), name: '网格', level: 'grid', parentId: units[s] }] },
  { name: 'GET /org-units/{id}', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/org-units/${units[s]}`] },
  { name: 'POST /campaigns', allowed: WRITERS, ok: 201, request: async (s) => ['POST', '/campaigns', { id: fresh('c'), name: '活动月', orgUnitId: units[s] }] },
  { name: 'GET /campaigns/{id}', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/campaigns/${campaigns[s]}`] },
  {
    name: 'POST /activities', allowed: WRITERS, ok: 201,
    request: async (s) => ['POST', '/activities', { orgUnitId: units[s], title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 5 }],
  },
  {
    name: 'POST /activities/{id}/corrections', allowed: WRITERS, ok: 200,
    request: async (s) => ['POST', `/activities/act-${s}/corrections`, { participants: 11 + serial++, reason: '更正人数' }],
  },
  { name: 'POST /activities/{id}/void', allowed: WRITERS, ok: 200, request: async (s) => ['POST', `/activities/${await activityIn(s)}/void`, { reason: '重复录入' }] },
  { name: 'GET /activities/{id}', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/activities/act-${s}`] },
  { name: 'GET /activities', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/activities?orgUnitId=${units[s]}`] },
  { name: 'POST /volunteers', allowed: WRITERS, ok: 201, request: async (s) => ['POST', '/volunteers', { orgUnitId: units[s], name: '志愿者' }] },
  { name: 'POST /volunteers/{id}/hours', allowed: WRITERS, ok: 201, request: async (s) => ['POST', `/volunteers/vol-${s}/hours`, { servedOn: TODAY, minutes: 30 }] },
  {
    name: 'POST /volunteers/{id}/hours/{entryId}/verify', allowed: ORGANISERS, ok: 200,
    request: async (s) => ['POST', `/volunteers/vol-${s}/hours/${await entryIn(s)}/verify`],
  },
  {
    name: 'POST /volunteers/{id}/hours/{entryId}/reject', allowed: ORGANISERS, ok: 200,
    request: async (s) => ['POST', `/volunteers/vol-${s}/hours/${await entryIn(s)}/reject`, { reason: '时长有误' }],
  },
  {
    name: 'POST /volunteers/{id}/erase', allowed: ORGANISERS, ok: 200,
    request: async (s) => ['POST', `/volunteers/${(await app.ok('/volunteers', { orgUnitId: units[s], name: '将被遗忘' })).id}/erase`, { reason: '本人申请' }],
  },
  { name: 'GET /volunteers/{id}', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/volunteers/vol-${s}`] },
  // Names the volunteer, so only for roles that see names (analysts do not).
  { name: 'GET /volunteers/{id}/certificate.pdf', allowed: WRITERS, ok: 200, request: async (s) => ['GET', `/volunteers/${await certifiableVolunteer(s)}/certificate.pdf`] },
  {
    name: 'POST /donations', allowed: ORGANISERS, ok: 201,
    request: async (s) => ['POST', '/donations', {
      campaignId: campaigns[s], orgUnitId: units[s], donor: { name: '某企业', kind: 'organisation' }, kind: 'money', amount: 100, receivedOn: TODAY,
    }],
  },
  { name: 'POST /donations/{id}/refunds', allowed: ORGANISERS, ok: 201, request: async (s) => ['POST', `/donations/don-${s}/refunds`, { amount: 1, reason: '退款' }] },
  {
    name: 'POST /donations/{id}/distributions', allowed: ORGANISERS, ok: 201,
    request: async (s) => ['POST', `/donations/${await goodsIn(s)}/distributions`, {
      items: [{ index: 0, quantity: 1 }], recipient: { orgUnitId: units[s] }, beneficiaries: 1, distributedOn: TODAY,
    }],
  },
  { name: 'GET /donations/{id}', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/donations/don-${s}`] },
  {
    name: 'POST /disbursements', allowed: ORGANISERS, ok: 201,
    request: async (s) => ['POST', '/disbursements', { campaignId: campaigns[s], orgUnitId: units[s], amount: 1, purpose: '慰问', paidOn: TODAY }],
  },
  { name: 'GET /stats/totals', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/stats/totals?orgUnitId=${units[s]}`] },
  { name: 'GET /stats/breakdown', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/stats/breakdown?by=campaign&orgUnitId=${units[s]}`] },
  { name: 'GET /reports/summary', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/reports/summary?orgUnitId=${units[s]}`] },
  { name: 'GET /reports/totals.xlsx', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/reports/totals.xlsx?orgUnitId=${units[s]}`] },
  { name: 'GET /stats/changes', allowed: HISTORY, ok: 200, request: async (s) => ['GET', `/stats/changes?orgUnitId=${units[s]}`] },
  { name: 'POST /periods/{month}/lock', allowed: ORGANISERS, ok: 201, request: async (s) => ['POST', `/periods/${oldMonth()}/lock`, { orgUnitId: units[s], reason: '已上报' }] },
  { name: 'GET /periods/{month}', allowed: EVERYONE, ok: 200, unscoped: true, request: async () => ['GET', '/periods/2010-01'] },
  { name: 'GET /events', allowed: HISTORY, ok: 200, unscoped: true, request: async () => ['GET', '/events?limit=50'] },
  { name: 'GET /streams/{streamId}', allowed: HISTORY, ok: 200, request: async (s) => ['GET', `/streams/activity-act-${s}`] },
  { name: 'POST /tokens (analyst)', allowed: ORGANISERS, ok: 201, request: async (s) => ['POST', '/tokens', { name: '分析员', role: 'analyst', orgUnitId: units[s] }] },
  { name: 'POST /tokens (organiser)', allowed: ['admin'], ok: 201, request: async (s) => ['POST', '/tokens', { name: '组织者', role: 'organiser', orgUnitId: units[s] }] },
  { name: 'DELETE /tokens/{id}', allowed: ORGANISERS, ok: 204, request: async (s) => ['DELETE', `/tokens/${await tokenIn(s)}`] },
  { name: 'GET /me', allowed: EVERYONE, ok: 200, unscoped: true, request: async () => ['GET', '/me'] },
  { name: 'GET /tokens', allowed: ORGANISERS, ok: 200, unscoped: true, request: async () => ['GET', '/tokens'] },
  { name: 'GET /audit', allowed: ORGANISERS, ok: 200, unscoped: true, request: async () => ['GET', '/audit?actor=admin'] },
  // Units are named by the file's rows, each checked in the job; a file of no rows starts a job that records nothing.
  { name: 'POST /imports (activities)', allowed: WRITERS, ok: 202, unscoped: true, request: async () => sheet('activities') },
  { name: 'POST /imports (donations)', allowed: ORGANISERS, ok: 202, unscoped: true, request: async () => sheet('donations') },
  { name: 'GET /imports/templates/{file}', allowed: EVERYONE, ok: 200, unscoped: true, request: async () => ['GET', '/imports/templates/hours.xlsx'] },
  { name: 'GET /imports/{jobId}/refused.xlsx', allowed: EVERYONE, ok: 200, request: async (s) => ['GET', `/imports/${await refusedImport(s)}/refused.xlsx`] },
  { name: 'POST /bank-statements', allowed: ORGANISERS, ok: 202, request: async (s) => statement(s) },
  { name: 'POST /reconciliation/matches', allowed: ORGANISERS, ok: 201, request: async (s) => ['POST', '/reconciliation/matches', await unmatchedPair(s)] },
  { name: 'GET /reconciliation', allowed: HISTORY, ok: 200, request: async (s) => ['GET', `/reconciliation?campaignId=${campaigns[s]}`] },
  {
    name: 'GET /jobs/{id}', allowed: EVERYONE, ok: 200,
    request: async (s) => ['GET', `/jobs/${await app.enqueueJob('reconcile', fresh(`job-${s}`), {}, { actor: 'admin', orgUnitId: units[s] })}`],
  },
];

function expected(row: Row, caller: Caller, side: Side): number {
  if (caller === 'no token' || caller === 'unknown token') return 401;
  if (caller === 'bootstrap') return row.ok;
  const role = caller.split('@')[0];
  if (!row.allowed.includes(role)) return 403;
  return side === 'out' && !row.unscoped ? 403 : row.ok;
}

function authorization(caller: Caller): string {
  if (caller === 'no token') return '';
  if (caller === 'unknown token') return 'Bearer tx_not-a-token-we-issued';
  if (caller === 'bootstrap') return `Bearer ${TEST_TOKEN}`;
  return `Bearer ${secrets.get(caller)}`;
}

beforeAll(async () => {
  // Unknown tokens are a row of the table: the failed-authentication limit must not cut the table short.
  app = await LedgerTestApp.start({ failedAuth: { failures: 10_000, windowSeconds: 60, blockSeconds: 1 } });
  await app.ok('/org-units', { id: 'city', name: '市', level: 'city' });
  for (const [county, village] of [['k1', 'v1'], ['k2', 'v2']]) {
    await app.ok('/org-units', { id: county, name: county, level: 'county', parentId: 'city' });
    await app.ok('/org-units', { id: village, name: village, level: 'village', parentId: county });
  }
  for (const side of ['in', 'out'] as const) {
    await app.ok('/campaigns', { id: campaigns[side], name: '同心', orgUnitId: units[side] });
    await app.ok('/activities', {
      id: `act-${side}`, orgUnitId: units[side], campaignId: campaigns[side], title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 10,
    });
    await app.ok('/volunteers', { id: `vol-${side}`, orgUnitId: units[side], name: '阿依古丽', phone: '13800000000' });
    await app.ok('/donations', {
      id: `don-${side}`, campaignId: campaigns[side], orgUnitId: units[side], donor: { name: '张三', kind: 'individual' },
      kind: 'money', amount: 1_000_000, receivedOn: TODAY,
    });
  }
  for (const caller of SCOPED) {
    const [role] = caller.split('@');
    const issued = await app.post('/tokens', { name: caller, role, orgUnitId: 'k1' });
    expect(issued.status).toBe(201);
    secrets.set(caller, issued.body.token);
  }
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('access: every role × every endpoint × in and out of scope (CONTRACT §6)', () => {
  const cells = ROWS.flatMap((row) => CALLERS.flatMap((caller) => (['in', 'out'] as const).map((side) => ({ row, caller, side }))));

  it.each(cells.map((c) => [c.row.name, c.caller, c.side, c] as const))('%s by %s, %s of scope', async (_name, _caller, _side, { row, caller, side }) => {
    const [method, url, body, headers] = await row.request(side);
    const before = await app.head();
    const reply: Reply = await app.request(method, `/api/v1${url}`, body, { ...headers, authorization: authorization(caller) });
    const want = expected(row, caller, side);
    expect({ status: reply.status, body: reply.status === want ? undefined : reply.text }).toEqual({ status: want, body: undefined });
    if (want >= 400) {
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await app.head()).toBe(before);
    }
  });

  it('has a row for every route the API documents (health and the docs aside)', async () => {
    const docs = (await app.request('GET', '/docs-json', undefined, { authorization: '' })).body as { paths: Record<string, object> };
    const routes = Object.entries(docs.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '')}`));
    const rows = new Set(ROWS.map((row) => row.name.replace(/ \(.*\)$/, '')));
    expect(routes.filter((route) => route !== 'GET /health' && !rows.has(route))).toEqual([]);
  });
});
