/** Campaign money events for specs. Campaign `c1` is launched at mayang (see fixtures). */
import type { DonatedItem, DonationReceived, DonationRefunded, FundsDisbursed, GoodsDistributed } from '../events';
import type { OrgUnitState } from '../org-units/org-unit';
import { org } from './fixtures';

export function donationReceived(
  donationId: string, amount: number, kind: 'money' | 'goods' = 'money', unit: OrgUnitState = org.gaocun,
): DonationReceived {
  return {
    type: 'DonationReceived',
    data: {
      donationId, campaignId: 'c1', orgUnitId: unit.orgUnitId, orgPath: [...unit.orgPath],
      donor: { name: '张三', kind: 'individual', anonymous: false }, kind, amount, receivedOn: '2024-06-01',
      method: kind === 'money' ? 'wechat_pay' : null, reference: null,
      items: kind === 'goods' ? [{ description: '大米', quantity: 50, unit: '袋' }] : [],
    },
  };
}

export function donationRefunded(donationId: string, refundId: string, amount: number): DonationRefunded {
  return {
    type: 'DonationRefunded',
    data: {
      refundId, donationId, campaignId: 'c1', orgUnitId: 'gaocun', orgPath: [...org.gaocun.orgPath], kind: 'money',
      amount, refundedOn: '2024-06-10', reason: '重复转账',
    },
  };
}

export function fundsDisbursed(disbursementId: string, amount: number): FundsDisbursed {
  return {
    type: 'FundsDisbursed',
    data: {
      disbursementId, campaignId: 'c1', orgUnitId: 'gaocun', orgPath: [...org.gaocun.orgPath], amount,
      purpose: '慰问困难群众', paidOn: '2024-06-12', beneficiaries: 10, activityId: null,
    },
  };
}

/** A goods donation of `items` (description, quantity, unit) received at gaocun on 2024-06-01. */
export function goodsReceived(
  donationId: string, items: DonatedItem[] = [{ description: '大米', quantity: 50, unit: '袋' }, { description: '棉被', quantity: 30, unit: '床' }],
): DonationReceived {
  const received = donationReceived(donationId, 80_000, 'goods');
  return { ...received, data: { ...received.data, items: items.map((item) => ({ ...item })) } };
}

/** Hands on `quantities` (by item index) of donation `donationId` of `goodsReceived` to xinying. */
export function goodsDistributed(
  donationId: string, distributionId: string, quantities: Record<number, number>, beneficiaries = 20,
): GoodsDistributed {
  const lines = goodsReceived(donationId).data.items;
  const items = Object.entries(quantities).map(([key, quantity]) => {
    const index = Number(key);
    return { index, description: lines[index].description, quantity, unit: lines[index].unit };
  });
  return {
    type: 'GoodsDistributed',
    data: {
      distributionId, donationId, campaignId: 'c1', orgUnitId: 'xinying', orgPath: [...org.xinying.orgPath],
      recipient: { orgUnitId: 'xinying' },
      items, beneficiaries, distributedOn: '2024-06-10', notes: null,
    },
  };
}
