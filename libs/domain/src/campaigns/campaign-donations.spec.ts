import type { ReceiveDonation, RefundDonation } from '../commands';
import type { DonatedItem } from '../events';
import { donationReceived, donationRefunded, fundsDisbursed } from '../testing/campaign-events';
import { deciderSpec } from '../testing/decider-spec';
import { campaignLaunched, noOrgUnit, org, TODAY, TOMORROW } from '../testing/fixtures';
import { lockedPeriod, THIS_MONTH } from '../testing/period-events';
import { campaignDecider } from './campaign';

const spec = deciderSpec(campaignDecider);
const launched = campaignLaunched('c1', org.mayang);

function receive(overrides: Partial<ReceiveDonation['data']> = {}, orgUnit = org.gaocun): ReceiveDonation {
  return {
    type: 'ReceiveDonation',
    today: TODAY,
    data: {
      donationId: 'd1', campaignId: 'c1', orgUnitId: orgUnit.orgUnitId || 'nowhere',
      donor: { name: '某企业', kind: 'organisation', anonymous: false }, kind: 'money', amount: 50_000,
      receivedOn: TODAY, method: 'bank_transfer', reference: 'BANK-001', items: [], ...overrides,
    },
    orgUnit,
    period: null,
  };
}

function refund(overrides: Partial<RefundDonation['data']> = {}): RefundDonation {
  return {
    type: 'RefundDonation',
    today: TODAY,
    data: { donationId: 'd1', refundId: 'r1', amount: 1_000, reason: '多转', refundedOn: TODAY, ...overrides },
  };
}

describe('ReceiveDonation', () => {
  it('receives money counted under an org unit inside the campaign', () => {
    spec.given([launched]).when(receive()).then([{
      type: 'DonationReceived',
      data: {
        donationId: 'd1', campaignId: 'c1', orgUnitId: 'gaocun', orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun'],
        donor: { name: '某企业', kind: 'organisation', anonymous: false }, kind: 'money', amount: 50_000,
        receivedOn: TODAY, method: 'bank_transfer', reference: 'BANK-001', items: [],
      },
    }]);
  });

  it('receives goods with their items, at the campaign unit itself', () => {
    const items = [{ description: '棉被', quantity: 30, unit: '床' }];
    spec.given([launched]).when(receive({ kind: 'goods', method: null, items }, org.mayang))
      .then([expect.objectContaining({ data: expect.objectContaining({ kind: 'goods', items, orgUnitId: 'mayang' }) })]);
  });

  it('keeps an anonymous donor\'s name in the event', () => {
    const donor = { name: '李四', kind: 'individual' as const, anonymous: true };
    spec.given([launched]).when(receive({ donor }))
      .then([expect.objectContaining({ data: expect.objectContaining({ donor }) })]);
  });

  it('refuses a campaign that does not exist', () => {
    spec.given([]).when(receive()).thenThrows('UNKNOWN_REFERENCE', 'campaignId');
  });

  it('refuses a donation id already received', () => {
    spec.given([launched, donationReceived('d1', 100)]).when(receive()).thenThrows('ALREADY_EXISTS');
  });

  it('refuses an org unit that does not exist', () => {
    spec.given([launched]).when(receive({}, noOrgUnit)).thenThrows('UNKNOWN_REFERENCE', 'orgUnitId');
  });

  it('refuses an org unit outside the campaign\'s subtree, above it or beside it', () => {
    spec.given([launched]).when(receive({}, org.zhijiang)).thenThrows('INVALID_REFERENCE', 'orgUnitId');
    spec.given([launched]).when(receive({}, org.huaihua)).thenThrows('INVALID_REFERENCE', 'orgUnitId');
  });

  it('refuses a receipt dated after today', () => {
    spec.given([launched]).when(receive({ receivedOn: TOMORROW })).thenThrows('INVALID_VALUE', 'receivedOn');
  });

  it('refuses goods without items and money with items', () => {
    spec.given([launched]).when(receive({ kind: 'goods', items: [] })).thenThrows('INVALID_VALUE', 'items');
    spec.given([launched]).when(receive({ items: [{ description: '米', quantity: 1, unit: '袋' }] }))
      .thenThrows('INVALID_VALUE', 'items');
  });
});

describe('ReceiveDonation of goods valued per item', () => {
  const rice = { description: '大米', quantity: 20, unit: '袋' };
  const quilts = { description: '棉被', quantity: 5, unit: '床' };
  const goods = (items: DonatedItem[]) => receive({ kind: 'goods', method: null, amount: 50_000, items });

  it('keeps each line\'s value when the values sum to the amount', () => {
    const items = [{ ...rice, value: 30_000 }, { ...quilts, value: 20_000 }];
    spec.given([launched]).when(goods(items)).then([expect.objectContaining({ data: expect.objectContaining({ items }) })]);
  });

  it('refuses values on some lines only, values that do not sum to the amount, and values that are not whole 分', () => {
    spec.given([launched]).when(goods([{ ...rice, value: 50_000 }, quilts])).thenThrows('INVALID_VALUE', 'items[1].value');
    spec.given([launched]).when(goods([{ ...rice, value: 30_000 }, { ...quilts, value: 19_999 }])).thenThrows('INVALID_VALUE', 'items');
    spec.given([launched]).when(goods([{ ...rice, value: 50_000.5 }, { ...quilts, value: -0.5 }])).thenThrows('INVALID_VALUE', 'items[0].value');
  });
});

describe('RefundDonation', () => {
  const received = [launched, donationReceived('d1', 10_000)];

  it('refunds money under the donation\'s org unit and kind', () => {
    spec.given(received).when(refund()).then([{
      type: 'DonationRefunded',
      data: {
        refundId: 'r1', donationId: 'd1', campaignId: 'c1', orgUnitId: 'gaocun',
        orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun'], kind: 'money', amount: 1_000, refundedOn: TODAY, reason: '多转',
      },
    }]);
  });

  it('refunds up to exactly what is left unrefunded', () => {
    spec.given([...received, donationRefunded('d1', 'r1', 4_000)]).when(refund({ refundId: 'r2', amount: 6_000 }))
      .then([expect.objectContaining({ data: expect.objectContaining({ amount: 6_000 }) })]);
  });

  it('refuses to take the campaign balance below zero, whatever the donation has left unrefunded', () => {
    // Received 10,000, disbursed 8,000: 2,000 left, though the donation itself could give back 10,000.
    const disbursed = [...received, fundsDisbursed('p1', 8_000)];
    spec.given(disbursed).when(refund({ amount: 5_000 })).thenThrows('INSUFFICIENT_BALANCE', 'amount');
    spec.given(disbursed).when(refund({ amount: 2_000 }))
      .then([expect.objectContaining({ type: 'DonationRefunded', data: expect.objectContaining({ amount: 2_000 }) })]);
    spec.given([...disbursed, donationRefunded('d1', 'r1', 2_000)]).when(refund({ refundId: 'r2', amount: 1 }))
      .thenThrows('INSUFFICIENT_BALANCE', 'amount');
  });

  it('says in the refusal what is left', () => {
    expect(() => campaignDecider.decide(refund({ amount: 5_000 }), spec.given([...received, fundsDisbursed('p1', 8_000)]).state()))
      .toThrow("refund of 5000 exceeds the campaign's balance: 2000 is left");
  });

  it('refuses a donation the campaign does not hold, or a campaign that does not exist', () => {
    spec.given(received).when(refund({ donationId: 'd9' })).thenThrows('NOT_FOUND');
    spec.given([]).when(refund()).thenThrows('NOT_FOUND');
  });

  it('refuses to refund goods in money', () => {
    spec.given([launched, donationReceived('d1', 10_000, 'goods')]).when(refund()).thenThrows('INVALID_TRANSITION');
  });

  it('refuses a refund id already used on the donation', () => {
    spec.given([...received, donationRefunded('d1', 'r1', 100)]).when(refund()).thenThrows('DUPLICATE_ENTRY', 'refundId');
  });

  it('refuses more than the unrefunded amount', () => {
    spec.given(received).when(refund({ amount: 10_001 })).thenThrows('REFUND_EXCEEDS_DONATION', 'amount');
    spec.given([...received, donationRefunded('d1', 'r1', 4_000)]).when(refund({ refundId: 'r2', amount: 6_001 }))
      .thenThrows('REFUND_EXCEEDS_DONATION', 'amount');
  });

  it('refuses a refund dated after today', () => {
    spec.given(received).when(refund({ refundedOn: TOMORROW })).thenThrows('INVALID_VALUE', 'refundedOn');
  });
});

describe('donations in a locked month', () => {
  const mayangJune = lockedPeriod(THIS_MONTH, org.mayang);

  it('refuses a donation received inside a month locked for its unit', () => {
    spec.given([launched]).when({ ...receive(), period: mayangJune }).thenThrows('PERIOD_LOCKED', 'receivedOn');
  });

  it('receives one under a unit outside the lock, or in another month', () => {
    const received = [expect.objectContaining({ type: 'DonationReceived' })];
    spec.given([launched]).when({ ...receive(), period: lockedPeriod(THIS_MONTH, org.xinying) }).then(received);
    spec.given([launched]).when({ ...receive({ receivedOn: '2024-05-20' }), period: lockedPeriod('2024-05', org.zhijiang) })
      .then(received);
  });

  it('still refunds one (a refund carries a reason)', () => {
    spec.given([launched, donationReceived('d1', 5_000)]).when(refund())
      .then([expect.objectContaining({ type: 'DonationRefunded' })]);
  });
});
