import type { LedgerTestApp } from './support/ledger-app';
import { describeOnEveryStore, type OpenedLedger } from './support/every-store';

/**
 * A campaign's money balance (received − refunded − disbursed) never goes below zero over HTTP: a refund of money
 * already disbursed is refused like a disbursement of it, with a 409 that says what is left, and nothing appended.
 * On every store, since GET /donations/{id} reads a donation's own events by their position in the log.
 */
describeOnEveryStore('tongxin_e2e_balance', (store: string, open: () => Promise<OpenedLedger>) => {
  describe(`campaign balance on ${store}`, () => {
    let ledger: LedgerTestApp;
    let dropStore: () => Promise<void>;
    const TODAY = new Date().toISOString().slice(0, 10);

    beforeAll(async () => {
      ({ ledger, dropStore } = await open());
      await ledger.ok('/org-units', { id: 'county', name: '麻阳县', level: 'county' });
      await ledger.ok('/campaigns', { id: 'c1', name: '民族团结进步创建', orgUnitId: 'county' });
      await ledger.ok('/donations', {
        id: 'd1', campaignId: 'c1', orgUnitId: 'county', donor: { name: '爱心企业', kind: 'organisation' }, kind: 'money',
        amount: 10_000, receivedOn: TODAY, method: 'bank_transfer',
      });
    }, 60_000);
    afterAll(async () => {
      await ledger.stop();
      await dropStore();
    });

    it('refuses a refund larger than what the campaign has left after a disbursement, and says what is left', async () => {
      await ledger.ok('/disbursements', { campaignId: 'c1', orgUnitId: 'county', amount: 8_000, purpose: '慰问困难群众', paidOn: TODAY });
      const head = await ledger.head();
      const refused = await ledger.post('/donations/d1/refunds', { amount: 5_000, reason: '捐赠人要求退回' });
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      expect(refused.body).toMatchObject({ status: 409, code: 'INSUFFICIENT_BALANCE' });
      expect(refused.body.detail).toContain('2000 is left');
      expect(await ledger.head()).toBe(head);
      expect((await ledger.get('/campaigns/c1')).body.balance).toBe(2_000);
    });

    it('refunds exactly what is left, then nothing more, and shows the refund on the donation', async () => {
      const refund = await ledger.ok('/donations/d1/refunds', { refundId: 'r1', amount: 2_000, reason: '捐赠人要求退回', refundedOn: TODAY });
      expect((await ledger.post('/donations/d1/refunds', { amount: 1, reason: '捐赠人要求退回' })).status).toBe(409);
      expect((await ledger.post('/disbursements', { campaignId: 'c1', orgUnitId: 'county', amount: 1, purpose: '慰问', paidOn: TODAY })).status)
        .toBe(409);
      expect((await ledger.get('/campaigns/c1')).body.balance).toBe(0);
      const donation = await ledger.get('/donations/d1');
      expect(donation.body).toMatchObject({
        refunded: 2_000, donor: { name: '爱心企业', erased: false },
        refunds: [{ refundId: 'r1', amount: 2_000, reason: '捐赠人要求退回', refundedOn: TODAY, position: refund.position, recordedAt: expect.any(String) }],
      });
    });
  });
});
