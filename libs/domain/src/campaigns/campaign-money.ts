/** The money commands of a campaign stream, decided against its folded balance. */
import type { DisburseFunds, ReceiveDonation, RefundDonation } from '../commands';
import { DomainError } from '../errors';
import type { DonatedItem, DonationReceived, DonationRefunded, FundsDisbursed } from '../events';
import type { OrgUnitState } from '../org-units/org-unit';
import { requireOpenPeriod } from '../periods/period';
import { isWithin, requireNotAfterToday, requireOrgUnit } from '../rules';
import type { CampaignState } from './campaign';

function requireCampaign(state: CampaignState, campaignId: string): void {
  if (!state.exists || state.campaignId !== campaignId) {
    throw new DomainError('UNKNOWN_REFERENCE', `campaign ${campaignId} does not exist`, 'campaignId');
  }
}

/** Money (and goods handed on) is counted under an org unit inside the campaign's subtree. */
export function requireUnitInCampaign(
  state: CampaignState, orgUnit: OrgUnitState | null, orgUnitId: string, field = 'orgUnitId',
): OrgUnitState {
  const unit = requireOrgUnit(orgUnit, orgUnitId, field);
  if (!isWithin(unit.orgPath, state.orgUnitId)) {
    throw new DomainError(
      'INVALID_REFERENCE', `org unit ${orgUnitId} is outside campaign ${state.campaignId}'s org unit`, field,
    );
  }
  return unit;
}

/** Values per line are all or nothing, and then they are the whole assessed amount, split. */
function requireItemValues(items: readonly DonatedItem[], amount: number): void {
  const valued = items.filter((item) => item.value !== undefined).length;
  if (valued === 0) return;
  if (valued < items.length) {
    const line = items.findIndex((item) => item.value === undefined);
    throw new DomainError('INVALID_VALUE', 'give a value on every item or on none', `items[${line}].value`);
  }
  const bad = items.findIndex(({ value }) => !Number.isInteger(value) || value! < 0);
  if (bad >= 0) throw new DomainError('INVALID_VALUE', `value ${items[bad].value} is not a whole number of 分`, `items[${bad}].value`);
  const total = items.reduce((sum, item) => sum + item.value!, 0);
  if (total !== amount) {
    throw new DomainError('INVALID_VALUE', `the items' values sum to ${total}, not the donation's amount ${amount}`, 'items');
  }
}

/** Every command that takes money out of a campaign leaves its balance at zero or above, and says what is left. */
function requireBalance(state: CampaignState, what: 'refund' | 'disbursement', amount: number): void {
  if (amount > state.balance) {
    throw new DomainError(
      'INSUFFICIENT_BALANCE', `${what} of ${amount} exceeds the campaign's balance: ${state.balance} is left`, 'amount',
    );
  }
}

export function decideReceiveDonation(command: ReceiveDonation, state: CampaignState): DonationReceived[] {
  const { data, today } = command;
  requireCampaign(state, data.campaignId);
  if (state.donations.has(data.donationId)) {
    throw new DomainError('ALREADY_EXISTS', `donation ${data.donationId} already exists`);
  }
  const orgUnit = requireUnitInCampaign(state, command.orgUnit, data.orgUnitId);
  requireNotAfterToday(data.receivedOn, today, 'receivedOn');
  requireOpenPeriod(command.period, data.receivedOn, orgUnit.orgPath, 'receivedOn');
  if (data.kind === 'goods' && data.items.length === 0) {
    throw new DomainError('INVALID_VALUE', 'a goods donation lists at least one item', 'items');
  }
  if (data.kind === 'money' && data.items.length > 0) {
    throw new DomainError('INVALID_VALUE', 'a money donation carries no items', 'items');
  }
  requireItemValues(data.items, data.amount);
  return [{
    type: 'DonationReceived',
    data: {
      donationId: data.donationId, campaignId: data.campaignId, orgUnitId: data.orgUnitId,
      orgPath: [...orgUnit.orgPath], donor: { ...data.donor }, kind: data.kind, amount: data.amount,
      receivedOn: data.receivedOn, method: data.method, reference: data.reference,
      items: data.items.map((item) => ({ ...item })),
    },
  }];
}

export function decideRefundDonation(command: RefundDonation, state: CampaignState): DonationRefunded[] {
  const { data, today } = command;
  // The donation is looked up on the campaign's state; a campaign that does not exist holds none.
  const donation = state.exists ? state.donations.get(data.donationId) : undefined;
  if (!donation) throw new DomainError('NOT_FOUND', `donation ${data.donationId} does not exist`);
  if (donation.kind !== 'money') {
    throw new DomainError('INVALID_TRANSITION', `donation ${data.donationId} is goods; goods are not refunded in money`);
  }
  if (donation.refundIds.includes(data.refundId)) {
    throw new DomainError('DUPLICATE_ENTRY', `refund ${data.refundId} already recorded`, 'refundId');
  }
  const unrefunded = donation.amount - donation.refunded;
  if (data.amount > unrefunded) {
    throw new DomainError(
      'REFUND_EXCEEDS_DONATION', `refund of ${data.amount} exceeds the unrefunded ${unrefunded}`, 'amount',
    );
  }
  // Money already disbursed cannot be handed back: a refund may take only what the campaign still holds.
  requireBalance(state, 'refund', data.amount);
  requireNotAfterToday(data.refundedOn, today, 'refundedOn');
  return [{
    type: 'DonationRefunded',
    data: {
      refundId: data.refundId, donationId: data.donationId, campaignId: state.campaignId,
      orgUnitId: donation.orgUnitId, orgPath: [...donation.orgPath], kind: donation.kind,
      amount: data.amount, refundedOn: data.refundedOn, reason: data.reason,
    },
  }];
}

export function decideDisburseFunds(command: DisburseFunds, state: CampaignState): FundsDisbursed[] {
  const { data, today, activity } = command;
  requireCampaign(state, data.campaignId);
  if (state.disbursementIds.has(data.disbursementId)) {
    throw new DomainError('ALREADY_EXISTS', `disbursement ${data.disbursementId} already exists`);
  }
  const orgUnit = requireUnitInCampaign(state, command.orgUnit, data.orgUnitId);
  if (data.activityId !== null
    && (!activity || !activity.exists || activity.voided || activity.activityId !== data.activityId)) {
    throw new DomainError('UNKNOWN_REFERENCE', `activity ${data.activityId} does not exist`, 'activityId');
  }
  requireNotAfterToday(data.paidOn, today, 'paidOn');
  requireOpenPeriod(command.period, data.paidOn, orgUnit.orgPath, 'paidOn');
  requireBalance(state, 'disbursement', data.amount);
  return [{
    type: 'FundsDisbursed',
    data: {
      disbursementId: data.disbursementId, campaignId: data.campaignId, orgUnitId: data.orgUnitId,
      orgPath: [...orgUnit.orgPath], amount: data.amount, purpose: data.purpose, paidOn: data.paidOn,
      beneficiaries: data.beneficiaries, activityId: data.activityId,
    },
  }];
}
