/**
 * Donated goods handed on to an org unit or an activity (issue 6 §4). Decided on the campaign stream that holds
 * the donation, so what remains of each item is read from the same folded state the append is conditioned on:
 * two distributions racing for the last sacks of rice cannot both land.
 *
 * Items are addressed by their position in the donation's `items` (`index`), not by description and unit: a
 * donation may list the same description twice (two lots of 大米, 袋), and a retyped description must not miss.
 */
import type { DistributeGoods } from '../commands';
import { isAfter } from '../dates';
import { DomainError } from '../errors';
import type { DistributedItem, GoodsDistributed } from '../events';
import { requireOpenPeriod } from '../periods/period';
import { isWithin, requireNotAfterToday } from '../rules';
import type { CampaignState, DonationState } from './campaign';
import { requireUnitInCampaign } from './campaign-money';

export interface DonatedItemBalance {
  index: number;
  description: string;
  unit: string;
  /** 分, when the donation values its lines. */
  value?: number;
  received: number;
  distributed: number;
  remaining: number;
}

/** Per item of a goods donation: received, handed on so far, and what is left (money donations have none). */
export function itemBalances(donation: DonationState): DonatedItemBalance[] {
  return donation.items.map((item, index) => {
    const distributed = donation.distributed[index] ?? 0;
    return {
      index, description: item.description, unit: item.unit, ...(item.value === undefined ? {} : { value: item.value }),
      received: item.quantity, distributed, remaining: item.quantity - distributed,
    };
  });
}

/** Where the goods count: the recipient unit, or the unit of the recipient activity; inside the campaign either way. */
function recipientPlace(command: DistributeGoods, state: CampaignState): { orgUnitId: string; orgPath: string[] } {
  const { recipient } = command.data;
  const byUnit = 'orgUnitId' in recipient;
  const byActivity = 'activityId' in recipient;
  if (byUnit === byActivity) {
    throw new DomainError('INVALID_VALUE', 'a recipient is exactly one of orgUnitId or activityId', 'recipient');
  }
  if ('orgUnitId' in recipient) {
    const unit = requireUnitInCampaign(state, command.orgUnit, recipient.orgUnitId, 'recipient.orgUnitId');
    return { orgUnitId: unit.orgUnitId, orgPath: [...unit.orgPath] };
  }
  const { activity } = command;
  if (!activity || !activity.exists || activity.voided || activity.activityId !== recipient.activityId) {
    throw new DomainError('UNKNOWN_REFERENCE', `activity ${recipient.activityId} does not exist`, 'recipient.activityId');
  }
  if (!isWithin(activity.orgPath, state.orgUnitId)) {
    throw new DomainError(
      'INVALID_REFERENCE', `activity ${recipient.activityId} is held outside campaign ${state.campaignId}'s org unit`,
      'recipient.activityId',
    );
  }
  return { orgUnitId: activity.orgUnitId, orgPath: [...activity.orgPath] };
}

/** The lines as the event records them; refuses unknown, repeated and non-positive lines. */
function distributedItems(command: DistributeGoods, donation: DonationState): DistributedItem[] {
  const { items } = command.data;
  if (items.length === 0) throw new DomainError('INVALID_VALUE', 'a distribution lists at least one item', 'items');
  const seen = new Set<number>();
  return items.map(({ index, quantity }, line) => {
    const item = Number.isInteger(index) && index >= 0 ? donation.items[index] : undefined;
    if (!item) {
      throw new DomainError(
        'UNKNOWN_REFERENCE', `donation ${donation.donationId} has no item ${index} (it lists ${donation.items.length})`,
        `items[${line}].index`,
      );
    }
    if (seen.has(index)) {
      throw new DomainError('INVALID_VALUE', `item ${index} is listed twice; give its total once`, `items[${line}].index`);
    }
    seen.add(index);
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw new DomainError('INVALID_VALUE', `quantity ${quantity} is not a positive whole number`, `items[${line}].quantity`);
    }
    return { index, description: item.description, quantity, unit: item.unit };
  });
}

export function decideDistributeGoods(command: DistributeGoods, state: CampaignState): GoodsDistributed[] {
  const { data, today } = command;
  // As for refunds: the donation is looked up on the campaign's state; a campaign that does not exist holds none.
  const donation = state.exists ? state.donations.get(data.donationId) : undefined;
  if (!donation) throw new DomainError('NOT_FOUND', `donation ${data.donationId} does not exist`);
  if (donation.kind !== 'goods') {
    throw new DomainError('INVALID_TRANSITION', `donation ${data.donationId} is money; only goods are distributed`);
  }
  if (donation.distributionIds.includes(data.distributionId)) {
    throw new DomainError('DUPLICATE_ENTRY', `distribution ${data.distributionId} already recorded`, 'distributionId');
  }
  const items = distributedItems(command, donation);
  const place = recipientPlace(command, state);
  if (!Number.isInteger(data.beneficiaries) || data.beneficiaries < 0) {
    throw new DomainError('INVALID_VALUE', `beneficiaries ${data.beneficiaries} is not a count`, 'beneficiaries');
  }
  requireNotAfterToday(data.distributedOn, today, 'distributedOn');
  if (isAfter(donation.receivedOn, data.distributedOn)) {
    throw new DomainError(
      'INVALID_VALUE', `distributedOn ${data.distributedOn} is before the goods were received (${donation.receivedOn})`,
      'distributedOn',
    );
  }
  requireOpenPeriod(command.period, data.distributedOn, place.orgPath, 'distributedOn');
  const balances = itemBalances(donation);
  items.forEach(({ index, quantity, unit }, line) => {
    const { remaining } = balances[index];
    if (quantity > remaining) {
      throw new DomainError(
        'DISTRIBUTION_EXCEEDS_DONATION', `${quantity} ${unit} of item ${index} exceeds the ${remaining} ${unit} remaining`,
        `items[${line}].quantity`,
      );
    }
  });
  return [{
    type: 'GoodsDistributed',
    data: {
      distributionId: data.distributionId, donationId: data.donationId, campaignId: state.campaignId,
      orgUnitId: place.orgUnitId, orgPath: place.orgPath,
      recipient: 'orgUnitId' in data.recipient ? { orgUnitId: data.recipient.orgUnitId } : { activityId: data.recipient.activityId },
      items, beneficiaries: data.beneficiaries, distributedOn: data.distributedOn, notes: data.notes,
    },
  }];
}

export function evolveGoodsDistributed(state: CampaignState, { data }: GoodsDistributed): CampaignState {
  const donation = state.donations.get(data.donationId);
  if (!donation) return state;
  const distributed = [...donation.distributed];
  for (const { index, quantity } of data.items) distributed[index] = (distributed[index] ?? 0) + quantity;
  return {
    ...state,
    donations: state.donations.set(
      data.donationId, { ...donation, distributed, distributionIds: [...donation.distributionIds, data.distributionId] },
    ),
  };
}
