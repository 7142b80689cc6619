/**
 * Issue 6 §3 and §5: bank reconciliation end to end — a statement generated from 300 recorded donations with planted
 * mismatches reconciles every clean line and lists exactly the planted ones, the report's figures exact to the 分;
 * manual matches and unmatches with reasons; the same file again records nothing. Run in the embedded mode (jobs
 * in-process) and through BullMQ on the real Redis (REDIS_URL, a prefix of its own).
 */
import { fileHash, writeCsv, writeXlsx, type FixtureRow } from '@tongxin/imports';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReconcileProcessor, type ReconcilePayload } from '../apps/api/src/reconciliation/reconcile.processor';
import { REDIS_URL, startForJobs, type JobMode } from './support/job-modes';
import { LedgerTestApp } from './support/ledger-app';

const DONATIONS = 300;
const BANK_FIELDS = ['date', 'amount', 'reference', 'counterparty'];

interface Donation { id: string; amount: number; receivedOn: string; reference: string | null; donor: string }
interface Line { date: string; amount: number; reference: string | null; counterparty: string | null }

/** 分 → the yuan text a bank prints: exact, never through a float. */
const yuan = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

function dayOf(offset: number): string {
  return new Date(Date.UTC(2025, 2, 1) + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * 300 donations with distinct amounts; every tenth without a reference (matched by amount and date). The planted:
 * #5's line is 1 分 more (same reference), #7 has no line, #9's line has no reference and comes 10 days late from
 * the donor by name (matched by counterparty), a line of no donation, and two donations of the same amount on the
 * same day without references, with two such lines (ambiguous).
 */
function scenario(prefix: string) {
  const donations: Donation[] = Array.from({ length: DONATIONS }, (_, i) => ({
    id: `${prefix}-don-${i}`, amount: 10_000 + i * 137 + (i % 3), receivedOn: dayOf(i % 200),
    reference: i % 10 === 0 ? null : `HX${prefix.toUpperCase()}${String(i).padStart(5, '0')}`, donor: `捐赠人${i}号`,
  }));
  const ambiguous: Donation[] = ['a', 'b'].map((tag) => ({
    id: `${prefix}-amb-${tag}`, amount: 88_800, receivedOn: dayOf(50), reference: null, donor: `同额人${tag}`,
  }));
  const lines: Line[] = [];
  for (const [i, donation] of donations.entries()) {
    if (i === 7) continue;
    if (i === 5) lines.push({ date: donation.receivedOn, amount: donation.amount + 1, reference: donation.reference, counterparty: donation.donor });
    else if (i === 9) lines.push({ date: dayOf((i % 200) + 10), amount: donation.amount, reference: null, counterparty: `  ${donation.donor} ` });
    // Banks print the date a transfer arrived: a day or two after the receipt was written, sometimes.
    else lines.push({ date: dayOf((i % 200) + (i % 3)), amount: donation.amount, reference: donation.reference && (i % 4 === 0 ? donation.reference.toLowerCase() : donation.reference), counterparty: i % 2 ? donation.donor : null });
  }
  lines.push({ date: dayOf(120), amount: 1_234_567, reference: 'NO-SUCH-DONATION', counterparty: '某公司' });
  lines.push({ date: dayOf(50), amount: 88_800, reference: null, counterparty: null }, { date: dayOf(51), amount: 88_800, reference: null, counterparty: null });
  return { donations: [...donations, ...ambiguous], lines };
}

function rowsOf(lines: Line[]): FixtureRow[] {
  return lines.map((line) => ({ date: line.date, amount: yuan(line.amount), reference: line.reference, counterparty: line.counterparty }));
}

/** Sheet row of line index i: the header is row 1. */
const rowOf = (i: number) => i + 2;

async function setUp(ledger: LedgerTestApp): Promise<void> {
  await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
  await ledger.ok('/org-units', { id: 'k1', name: '麻阳县', level: 'county', parentId: 'city' });
  await ledger.ok('/org-units', { id: 'k2', name: '芷江县', level: 'county', parentId: 'city' });
  await ledger.ok('/org-units', { id: 'v1', name: '新营村', level: 'village', parentId: 'k1' });
}

async function seed(ledger: LedgerTestApp, campaignId: string, donations: Donation[]): Promise<void> {
  await ledger.ok('/campaigns', { id: campaignId, name: `对账${campaignId}`, orgUnitId: 'k1' });
  for (const d of donations) {
    await ledger.ok('/donations', {
      id: d.id, campaignId, orgUnitId: 'v1', donor: { name: d.donor, kind: 'individual' }, kind: 'money', amount: d.amount,
      receivedOn: d.receivedOn, method: 'bank_transfer', ...(d.reference ? { reference: d.reference } : {}),
    });
  }
  // Goods never reach the bank; a refund is shown apart and changes nothing the bank received.
  await ledger.ok('/donations', {
    id: `${campaignId}-goods`, campaignId, orgUnitId: 'v1', donor: { name: '某超市', kind: 'organisation' }, kind: 'goods',
    amount: 300_000, receivedOn: dayOf(3), items: [{ description: '大米', quantity: 20, unit: '袋' }],
  });
  await ledger.ok(`/donations/${donations[1].id}/refunds`, { amount: 1_000, reason: '多转' });
}

const sum = (amounts: number[]) => amounts.reduce((total, amount) => total + amount, 0);

function describeReconciliation(mode: JobMode): void {
  let ledger: LedgerTestApp;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ ledger, stop } = await startForJobs(mode, 'reconciliation'));
    await setUp(ledger);
  }, 60_000);

  afterAll(() => stop?.());

  for (const format of ['xlsx', 'csv'] as const) {
    it(`reconciles every clean line of a ${format.toUpperCase()} statement and lists exactly the planted ones, exact to the 分`, async () => {
      const campaignId = `bank-${format}`;
      const { donations, lines } = scenario(format);
      await seed(ledger, campaignId, donations);
      const file = format === 'xlsx'
        ? await writeXlsx('bank-lines', rowsOf(lines), 'zh-CN', { fields: BANK_FIELDS })
        : writeCsv('bank-lines', rowsOf(lines), 'zh-CN', 'gb18030', BANK_FIELDS);
      const head = await ledger.head();
      const started = await ledger.upload(`/bank-statements?campaignId=${campaignId}`, file, `流水.${format}`);
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ created: true, statementId: expect.stringMatching(/^bank-[0-9a-f]{32}$/) });
      expect(started.headers.location).toBe(`/api/v1/jobs/${encodeURIComponent(started.body.id)}`);
      const job = await ledger.finished(started.body.id);
      expect(job).toMatchObject({ state: 'completed', name: 'reconcile', progress: { done: lines.length, total: lines.length } });
      const { statementId } = started.body;
      const clean = lines.length - 4; // the 1 分 line, the line of no donation, the two ambiguous lines
      expect(job.result).toMatchObject({
        statementId, recorded: true, lines: lines.length, duplicates: 0, skipped: [],
        matched: { reference: expect.any(Number), 'amount-date': expect.any(Number), counterparty: 1 },
      });
      const { matched } = job.result;
      expect(matched.reference + matched['amount-date'] + matched.counterparty).toBe(clean);

      const report = (await ledger.get(`/reconciliation?campaignId=${campaignId}`)).body;
      const byId = new Map(donations.map((d) => [d.id, d]));
      const moneyReceived = sum(donations.map((d) => d.amount));
      const bankTotal = sum(lines.map((l) => l.amount));
      const planted = {
        offByOne: lines.findIndex((l) => l.reference === byId.get(`${format}-don-5`)!.reference),
        noDonation: lines.findIndex((l) => l.reference === 'NO-SUCH-DONATION'),
      };
      const ambiguousRows = [lines.length - 2, lines.length - 1].map(rowOf);
      expect(report).toMatchObject({
        campaignId, moneyReceived, moneyRefunded: 1_000, bankTotal,
        difference: bankTotal - moneyReceived,
        matches: { ...matched, manual: 0 },
        statements: [{ statementId, fileName: `流水.${format}`, lines: lines.length }],
      });
      // The difference, by hand: +1 分, the line of no donation, less the donation of no line.
      expect(report.difference).toBe(1 + 1_234_567 - byId.get(`${format}-don-7`)!.amount);
      const unmatchedIds = [`${format}-don-5`, `${format}-don-7`, `${format}-amb-a`, `${format}-amb-b`];
      expect(report.matched).toBe(moneyReceived - sum(unmatchedIds.map((id) => byId.get(id)!.amount)));
      expect(report.unmatchedDonations.map((d: { donationId: string }) => d.donationId).sort()).toEqual([...unmatchedIds].sort());
      expect(report.unmatchedDonations.find((d: { donationId: string }) => d.donationId === `${format}-don-7`))
        .toEqual({ donationId: `${format}-don-7`, amount: byId.get(`${format}-don-7`)!.amount, receivedOn: dayOf(7), reference: byId.get(`${format}-don-7`)!.reference, donorName: '捐赠人7号' });
      expect(report.unmatchedBankLines.map((l: { line: number }) => l.line))
        .toEqual([rowOf(planted.offByOne), rowOf(planted.noDonation), ...ambiguousRows]);
      const [offByOne, noDonation, ambiguousLine] = report.unmatchedBankLines;
      expect(offByOne).toMatchObject({ statementId, amount: byId.get(`${format}-don-5`)!.amount + 1, counterparty: '捐赠人5号', candidates: [`${format}-don-5`] });
      expect(noDonation).toMatchObject({ amount: 1_234_567, reference: 'NO-SUCH-DONATION', counterparty: '某公司', candidates: [] });
      expect(ambiguousLine).toMatchObject({ reason: expect.stringContaining('ambiguous'), candidates: [`${format}-amb-a`, `${format}-amb-b`] });
      expect(await ledger.head()).toBe(head + 1 + clean); // the statement, and one event per match

      // An organiser settles the 1 分 line by hand, with the reason; unmatching brings it back.
      const pair = { campaignId, statementId, line: rowOf(planted.offByOne), donationId: `${format}-don-5`, reason: '银行多记1分，已核对回单' };
      const matchedByHand = await ledger.post('/reconciliation/matches', { ...pair, action: 'match' });
      expect(matchedByHand.status).toBe(201);
      expect(matchedByHand.body).toMatchObject({ streamId: `reconciliation-${campaignId}` });
      expect(matchedByHand.headers.etag).toBe(`"${matchedByHand.body.revision}"`);
      const settled = (await ledger.get(`/reconciliation?campaignId=${campaignId}`)).body;
      expect(settled.unmatchedBankLines).toHaveLength(3);
      expect(settled.unmatchedDonations).toHaveLength(3);
      expect(settled.matches.manual).toBe(1);
      expect(settled.matched).toBe(report.matched + byId.get(`${format}-don-5`)!.amount);
      expect(settled.difference).toBe(report.difference);
      // A line or a donation is matched once.
      const again = await ledger.post('/reconciliation/matches', { ...pair, donationId: `${format}-don-7`, action: 'match' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'ALREADY_MATCHED', errors: [{ path: 'line' }] });
      const otherLine = await ledger.post('/reconciliation/matches', { ...pair, line: rowOf(planted.noDonation), action: 'match' });
      expect(otherLine.body).toMatchObject({ status: 409, code: 'ALREADY_MATCHED', errors: [{ path: 'donationId' }] });
      const unmatched = await ledger.post('/reconciliation/matches', { ...pair, action: 'unmatch', reason: '回单金额不符，退回核查' });
      expect(unmatched.status).toBe(200);
      expect((await ledger.post('/reconciliation/matches', { ...pair, action: 'unmatch' })).body).toMatchObject({ status: 409, code: 'NOT_MATCHED' });
      const back = (await ledger.get(`/reconciliation?campaignId=${campaignId}`)).body;
      expect(back.unmatchedBankLines.map((l: { line: number }) => l.line)).toEqual(report.unmatchedBankLines.map((l: { line: number }) => l.line));
      expect(back).toMatchObject({ matched: report.matched, difference: report.difference, matches: { ...matched, manual: 0 } });
      // Unknown line or donation: 422 naming the field.
      const noLine = await ledger.post('/reconciliation/matches', { ...pair, line: 99_999, action: 'match' });
      expect(noLine.body).toMatchObject({ status: 422, code: 'UNKNOWN_REFERENCE', errors: [{ path: 'line' }] });
      const noDonationId = await ledger.post('/reconciliation/matches', { ...pair, donationId: 'nobody', action: 'match' });
      expect(noDonationId.body).toMatchObject({ status: 422, errors: [{ path: 'donationId' }] });
      const goods = await ledger.post('/reconciliation/matches', { ...pair, donationId: `${campaignId}-goods`, action: 'match' });
      expect(goods.body).toMatchObject({ status: 422, code: 'INVALID_REFERENCE' });

      // The same file again answers the same job and records nothing.
      const headBefore = await ledger.head();
      const reupload = await ledger.upload(`/bank-statements?campaignId=${campaignId}`, file, `流水(1).${format}`);
      expect(reupload.body).toMatchObject({ id: started.body.id, created: false, state: 'completed', statementId });
      expect(await ledger.head()).toBe(headBefore);
    }, 240_000);
  }
}

describe('bank reconciliation, embedded (jobs in-process)', () => {
  describeReconciliation('embedded');
});

(REDIS_URL ? describe : describe.skip)(`bank reconciliation through BullMQ on Redis${REDIS_URL ? '' : ' (skipped: set REDIS_URL)'}`, () => {
  describeReconciliation('redis');
});

describe('bank reconciliation: re-runs, bad statements, roles, scope and bad requests', () => {
  let ledger: LedgerTestApp;
  let organiserK2: string;
  let analyst: string;
  let recorder: string;
  const lines: Line[] = [
    { date: '2025-04-01', amount: 50_000, reference: 'R-1', counterparty: '某商会' },
    { date: '2025-04-02', amount: 12_345, reference: null, counterparty: '王五' },
  ];

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await setUp(ledger);
    await ledger.ok('/campaigns', { id: 'c', name: '对账', orgUnitId: 'k1' });
    await ledger.ok('/donations', { id: 'd1', campaignId: 'c', orgUnitId: 'v1', donor: { name: '某商会', kind: 'organisation' }, kind: 'money', amount: 50_000, receivedOn: '2025-04-01', reference: 'r-1' });
    await ledger.ok('/donations', { id: 'd2', campaignId: 'c', orgUnitId: 'v1', donor: { name: '王五', kind: 'individual', anonymous: true }, kind: 'money', amount: 99_999, receivedOn: '2025-04-02' });
    organiserK2 = (await ledger.post('/tokens', { name: '芷江组织者', role: 'organiser', orgUnitId: 'k2' })).body.token;
    analyst = (await ledger.post('/tokens', { name: '分析员', role: 'analyst', orgUnitId: 'k1' })).body.token;
    recorder = (await ledger.post('/tokens', { name: '录入员', role: 'recorder', orgUnitId: 'k1' })).body.token;
  }, 60_000);

  afterAll(() => ledger?.stop());

  it('a bad line records nothing; debits are skipped; an overlapping statement counts a receipt once', async () => {
    const head = await ledger.head();
    const bad = writeCsv('bank-lines', [...rowsOf(lines), { date: '2025-02-30', amount: '1.001' }], 'zh-CN', 'utf-8-bom', BANK_FIELDS);
    const refused = await ledger.finished((await ledger.upload('/bank-statements?campaignId=c', bad, 'bad.csv')).body.id);
    expect(refused).toMatchObject({ state: 'failed', error: { permanent: true } });
    expect(refused.error.details.errors.map(({ line, column }: { line: number; column: string }) => ({ line, column })))
      .toEqual([{ line: 4, column: '金额（元）' }, { line: 4, column: '交易日期' }]);
    expect(await ledger.head()).toBe(head);

    const withDebit = writeCsv('bank-lines', [...rowsOf(lines), { date: '2025-04-03', amount: '-200.00', reference: 'OUT-1' }], 'zh-CN', 'utf-8-bom', BANK_FIELDS);
    const first = await ledger.finished((await ledger.upload('/bank-statements?campaignId=c', withDebit, 'april.csv')).body.id);
    expect(first.result).toMatchObject({ lines: 2, skipped: [{ line: 4 }], matched: { reference: 1, 'amount-date': 0, counterparty: 0 } });
    expect(first.result.unmatched).toEqual([expect.objectContaining({ line: 3 })]);
    // The next statement repeats R-1 (same reference, date, amount): it is not counted twice.
    const overlap = writeCsv('bank-lines', rowsOf([lines[0], { date: '2025-04-05', amount: 700, reference: 'R-2', counterparty: null }]), 'zh-CN', 'utf-8-bom', BANK_FIELDS);
    const second = await ledger.finished((await ledger.upload('/bank-statements?campaignId=c', overlap, 'april-may.csv')).body.id);
    expect(second.result).toMatchObject({ recorded: true, lines: 2, duplicates: 1 });
    const report = (await ledger.get('/reconciliation?campaignId=c')).body;
    expect(report).toMatchObject({ moneyReceived: 149_999, bankTotal: 50_000 + 12_345 + 700, matched: 50_000, difference: 63_045 - 149_999 });
    // Organisers see the payer's name; an anonymous donor's name shows to nobody here.
    expect(report.unmatchedBankLines[0]).toMatchObject({ amount: 12_345, counterparty: '王五' });
    expect(report.unmatchedDonations).toEqual([{ donationId: 'd2', amount: 99_999, receivedOn: '2025-04-02', reference: null, donorName: null }]);

    // A retry of the job (after a crash) records and matches nothing twice.
    const processor = ledger.app.get(ReconcileProcessor);
    const payload: ReconcilePayload = {
      campaignId: 'c', format: 'csv', fileName: 'april.csv', hash: fileHash(withDebit), file: withDebit.toString('base64'),
      principal: { tokenId: 'admin', role: 'admin', scopeOrgUnitId: null },
    };
    const headBefore = await ledger.head();
    const retried = await processor.process(payload, { jobId: first.id, attempt: 2, actor: 'admin', orgUnitId: 'k1', progress: async () => undefined });
    expect(retried).toMatchObject({ statementId: first.result.statementId, recorded: false, matched: { reference: 0, 'amount-date': 0, counterparty: 0 } });
    expect(await ledger.head()).toBe(headBefore);

    // Payer names never reach the log in plain: they are sealed like donor names (crypto-shredding reaches them).
    const storeFiles = readdirSync(ledger.dir).filter((name) => name.startsWith('tongxin.db'));
    expect(storeFiles.length).toBeGreaterThan(0);
    for (const name of storeFiles) expect(readFileSync(join(ledger.dir, name)).includes(Buffer.from('王五'))).toBe(false);
  });

  it('analysts read the report in scope without names; recorders and callers out of scope get 403', async () => {
    const asAnalyst = await ledger.get('/reconciliation?campaignId=c', { authorization: `Bearer ${analyst}` });
    expect(asAnalyst.status).toBe(200);
    expect(asAnalyst.body.unmatchedBankLines.every((l: { counterparty: unknown }) => l.counterparty === null)).toBe(true);
    const stream = await ledger.get('/streams/reconciliation-c', { authorization: `Bearer ${analyst}` });
    expect(stream.text).not.toContain('王五');
    expect(stream.text).not.toContain('某商会');
    expect((await ledger.get('/reconciliation?campaignId=c', { authorization: `Bearer ${recorder}` })).status).toBe(403);
    const outside = { authorization: `Bearer ${organiserK2}` };
    expect((await ledger.get('/reconciliation?campaignId=c', outside)).status).toBe(403);
    expect((await ledger.get('/reconciliation?campaignId=nowhere', outside)).status).toBe(403);
    expect((await ledger.get('/reconciliation?campaignId=nowhere')).status).toBe(404);
    const file = writeCsv('bank-lines', rowsOf(lines), 'zh-CN', 'utf-8-bom', BANK_FIELDS);
    const head = await ledger.head();
    expect((await ledger.upload('/bank-statements?campaignId=c', file, 's.csv', outside)).status).toBe(403);
    expect((await ledger.upload('/bank-statements?campaignId=c', file, 's.csv', { authorization: `Bearer ${analyst}` })).status).toBe(403);
    const match = { campaignId: 'c', statementId: 'bank-0', line: 2, donationId: 'd2', action: 'match', reason: '核对' };
    expect((await ledger.post('/reconciliation/matches', match, outside)).status).toBe(403);
    expect((await ledger.post('/reconciliation/matches', match, { authorization: `Bearer ${recorder}` })).status).toBe(403);
    expect(await ledger.head()).toBe(head);
  });

  it('answers bad requests with 400 naming the fields', async () => {
    const file = writeCsv('bank-lines', rowsOf(lines), 'zh-CN', 'utf-8-bom', BANK_FIELDS);
    const paths = (reply: { body: { errors: { path: string }[] } }) => reply.body.errors.map((e) => e.path).sort();
    const noCampaign = await ledger.upload('/bank-statements', file, 's.csv');
    expect(noCampaign.status).toBe(400);
    expect(paths(noCampaign)).toEqual(['campaignId']);
    const noFile = await ledger.post('/bank-statements?campaignId=c', { lines: [] });
    expect(noFile.status).toBe(400);
    expect(paths(noFile)).toEqual(['file']);
    expect((await ledger.upload('/bank-statements?campaignId=nowhere', file, 's.csv')).body).toMatchObject({ status: 422, errors: [{ path: 'campaignId' }] });
    const badMatch = await ledger.post('/reconciliation/matches', { campaignId: 'c', statementId: 'bank-0', line: '2', donationId: 'd2', action: 'maybe' });
    expect(badMatch.status).toBe(400);
    expect(paths(badMatch)).toEqual(['action', 'line', 'reason']);
    expect(paths(await ledger.get('/reconciliation'))).toEqual(['campaignId']);
    expect((await ledger.get('/reconciliation?campaignId=c&minPosition=x')).status).toBe(400);
  });
});
