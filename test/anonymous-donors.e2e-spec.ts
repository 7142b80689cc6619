/**
 * An anonymous donor's name shows to no role over the API — not to the organiser who recorded it, not to the admin —
 * on every path that reads donations or the log: the donation, /events, /streams, /audit, the reconciliation report
 * (donor and payer names), the jobs, changes and reports. It leaves the ledger only in the operator's `tongxin export`
 * (docs/privacy.md). A named donor's name still shows to organisers and admins.
 */
import { writeCsv } from '@tongxin/imports';
import { runCli } from './support/cli';
import { LedgerTestApp, TEST_TOKEN, type Reply } from './support/ledger-app';

const HIDDEN = '隐名善士';
const NAMED = '某商会';
const DAY = '2025-04-02';

let app: LedgerTestApp;
const callers: Record<string, string> = { bootstrap: TEST_TOKEN };
let statementJob = '';

function as(caller: string, url: string): Promise<Reply> {
  return app.get(url, { authorization: `Bearer ${callers[caller]}` });
}

/** Every page of /events as the caller, as one text. */
async function wholeLog(caller: string): Promise<string> {
  let after = 0;
  let text = '';
  for (;;) {
    const page = await as(caller, `/events?after=${after}&limit=1000`);
    expect(page.status).toBe(200);
    text += page.text;
    if (page.body.next === null) return text;
    after = page.body.next;
  }
}

beforeAll(async () => {
  app = await LedgerTestApp.start();
  await app.ok('/org-units', { id: 'k1', name: '麻阳县', level: 'county' });
  await app.ok('/campaigns', { id: 'c', name: '同心', orgUnitId: 'k1' });
  for (const role of ['admin', 'organiser', 'analyst', 'recorder']) {
    callers[role] = (await app.post('/tokens', { name: role, role, orgUnitId: 'k1' })).body.token;
  }
  await app.ok('/donations', {
    id: 'd-anon', campaignId: 'c', orgUnitId: 'k1', donor: { name: HIDDEN, kind: 'individual', anonymous: true }, kind: 'money', amount: 7_777, receivedOn: DAY,
  });
  await app.ok('/donations', {
    id: 'd-named', campaignId: 'c', orgUnitId: 'k1', donor: { name: NAMED, kind: 'organisation' }, kind: 'money', amount: 50_000, receivedOn: DAY,
  });
  // Two bank lines the anonymous donation could each be (ambiguous, so left open), both paid by the donor by name.
  const lines = [{ date: DAY, amount: '77.77', counterparty: HIDDEN }, { date: DAY, amount: '77.77', counterparty: HIDDEN }];
  const file = writeCsv('bank-lines', lines, 'zh-CN', 'utf-8-bom', ['date', 'amount', 'counterparty']);
  statementJob = (await app.upload('/bank-statements?campaignId=c', file, 'april.csv')).body.id;
  expect((await app.finished(statementJob)).state).toBe('completed');
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('an anonymous donor\'s name over the API', () => {
  const everyone = ['bootstrap', 'admin', 'organiser', 'analyst'];

  it.each(['bootstrap', 'admin', 'organiser', 'analyst', 'recorder'])('GET /donations/{id} hides it from %s', async (caller) => {
    const reply = await as(caller, '/donations/d-anon');
    expect(reply.status).toBe(200);
    expect(reply.body.donor).toMatchObject({ name: null, anonymous: true });
  });

  it.each(everyone)('GET /events hides it from %s, in the donation and in the bank statement\'s payers', async (caller) => {
    const log = await wholeLog(caller);
    expect(log).toContain('DonationReceived');
    expect(log).toContain('BankStatementRecorded');
    expect(log).not.toContain(HIDDEN);
  });

  it.each(everyone)('GET /streams/{id} hides it from %s', async (caller) => {
    for (const stream of ['campaign-c', 'reconciliation-c']) {
      const reply = await as(caller, `/streams/${stream}`);
      expect(reply.status).toBe(200);
      expect(reply.text).not.toContain(HIDDEN);
    }
  });

  it.each(['bootstrap', 'admin', 'organiser'])('GET /audit hides it from %s', async (caller) => {
    const reply = await as(caller, '/audit?actor=admin&limit=1000');
    expect(reply.status).toBe(200);
    expect(reply.body.events.map((event: { type: string }) => event.type)).toContain('DonationReceived');
    expect(reply.text).not.toContain(HIDDEN);
  });

  it.each(['bootstrap', 'admin', 'organiser', 'analyst'])('GET /reconciliation hides it from %s, as donor and as the payer of a line it could be', async (caller) => {
    const reply = await as(caller, '/reconciliation?campaignId=c');
    expect(reply.status).toBe(200);
    expect(reply.body.unmatchedDonations).toContainEqual(expect.objectContaining({ donationId: 'd-anon', donorName: null }));
    expect(reply.body.unmatchedBankLines).toHaveLength(2);
    for (const line of reply.body.unmatchedBankLines) expect(line).toMatchObject({ candidates: ['d-anon'], counterparty: null });
    expect(reply.text).not.toContain(HIDDEN);
  });

  it.each(['bootstrap', 'organiser'])('the job, changes and reports do not hold it for %s', async (caller) => {
    for (const url of [`/jobs/${statementJob}`, '/stats/changes?since=2000-01-01T00:00:00Z', '/reports/summary?orgUnitId=k1&format=json']) {
      const reply = await as(caller, url);
      expect({ url, status: reply.status }).toEqual({ url, status: 200 });
      expect(reply.text).not.toContain(HIDDEN);
    }
  });

  it('hides the payer of a line an organiser matched to the anonymous donation and unmatched again', async () => {
    const file = writeCsv('bank-lines', [{ date: DAY, amount: '1.23', counterparty: '匿名甲' }], 'zh-CN', 'utf-8-bom', ['date', 'amount', 'counterparty']);
    const job = await app.finished((await app.upload('/bank-statements?campaignId=c', file, 'may.csv')).body.id);
    const pair = { campaignId: 'c', statementId: job.result.statementId, line: 2, donationId: 'd-anon' };
    const payerOfLine = async () => (await as('organiser', '/reconciliation?campaignId=c')).body.unmatchedBankLines
      .find((line: { statementId: string }) => line.statementId === pair.statementId).counterparty;
    expect(await payerOfLine()).toBe('匿名甲');
    expect((await app.post('/reconciliation/matches', { ...pair, action: 'match', reason: '核对回单' })).status).toBe(201);
    expect((await app.post('/reconciliation/matches', { ...pair, action: 'unmatch', reason: '金额不符' })).status).toBe(200);
    expect(await payerOfLine()).toBeNull();
  });

  it('still shows a named donor to organisers and admins, and to no other role', async () => {
    for (const caller of ['bootstrap', 'admin', 'organiser']) {
      expect((await as(caller, '/donations/d-named')).body.donor.name).toBe(NAMED);
      expect(await wholeLog(caller)).toContain(NAMED);
    }
    expect(await wholeLog('analyst')).not.toContain(NAMED);
  });
});

describe('outside the API', () => {
  it('is in `tongxin export`, the whole ledger for its operator (the one place docs/privacy.md names)', async () => {
    const exported = await runCli(['export', '--store', app.config.storeUrl, '--no-progress'], { TONGXIN_DATA_DIR: app.dir });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(HIDDEN);
  }, 60_000);
});
