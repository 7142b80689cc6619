/**
 * Campaigns (stream campaign-{id}) and their money. The stream is the consistency boundary of the money:
 * donations, refunds and disbursements of one campaign are decided against one folded balance, and goods
 * distributions against what remains of each donated item.
 *
 * A city campaign holds 10⁵ donations, so what grows with the stream is kept in persistent collections: each event
 * shares all but O(log n) of the previous state instead of copying it (a copied map made a fold O(n²)).
 */
import { OrderedMap, Set as PersistentSet } from 'immutable';
import type { CampaignCommand, LaunchCampaign } from '../commands';
import type { Decider } from '../decider';
import { DomainError } from '../errors';
import type {
  CampaignEvent, CampaignLaunched, DonatedItem, DonationKind, DonationReceived, DonationRefunded, DonorKind,
  FundsDisbursed, PaymentMethod,
} from '../events';
import { requireOrgUnit } from '../rules';
import { decideDistributeGoods, evolveGoodsDistributed } from './campaign-goods';
import { decideDisburseFunds, decideReceiveDonation, decideRefundDonation } from './campaign-money';

export interface DonationState {
  donationId: string;
  kind: DonationKind;
  amount: number;
  /** Sum of this donation's refunds. */
  refunded: number;
  orgUnitId: string;
  orgPath: string[];
  receivedOn: string;
  donor: { name: string; kind: DonorKind; anonymous: boolean };
  method: PaymentMethod | null;
  reference: string | null;
  items: DonatedItem[];
  refundIds: string[];
  /** Goods only: quantity handed on so far, per item (same order as `items`). */
  distributed: number[];
  distributionIds: string[];
}

export interface CampaignState {
  exists: boolean;
  campaignId: string;
  name: string;
  orgUnitId: string;
  orgPath: string[];
  startsOn: string | null;
  endsOn: string | null;
  /** In the order received, as views list them. */
  donations: OrderedMap<string, DonationState>;
  disbursementIds: PersistentSet<string>;
  moneyReceived: number;
  moneyRefunded: number;
  goodsValueReceived: number;
  disbursed: number;
  /** moneyReceived - moneyRefunded - disbursed */
  balance: number;
}

function decideLaunch(command: LaunchCampaign, state: CampaignState): CampaignLaunched[] {
  const { data } = command;
  if (state.exists) throw new DomainError('ALREADY_EXISTS', `campaign ${data.campaignId} already exists`);
  const orgUnit = requireOrgUnit(command.orgUnit, data.orgUnitId);
  if (data.startsOn !== null && data.endsOn !== null && data.endsOn < data.startsOn) {
    throw new DomainError('INVALID_VALUE', `endsOn ${data.endsOn} is before startsOn ${data.startsOn}`, 'endsOn');
  }
  return [{
    type: 'CampaignLaunched',
    data: {
      campaignId: data.campaignId, name: data.name, orgUnitId: data.orgUnitId, orgPath: [...orgUnit.orgPath],
      startsOn: data.startsOn, endsOn: data.endsOn,
    },
  }];
}

function withBalance(state: CampaignState): CampaignState {
  return { ...state, balance: state.moneyReceived - state.moneyRefunded - state.disbursed };
}

function evolveDonationReceived(state: CampaignState, { data }: DonationReceived): CampaignState {
  const donation: DonationState = {
    donationId: data.donationId, kind: data.kind, amount: data.amount, refunded: 0,
    orgUnitId: data.orgUnitId, orgPath: [...data.orgPath], receivedOn: data.receivedOn,
    donor: { ...data.donor }, method: data.method, reference: data.reference,
    items: data.items.map((item) => ({ ...item })), refundIds: [],
    distributed: data.items.map(() => 0), distributionIds: [],
  };
  return withBalance({
    ...state,
    donations: state.donations.set(data.donationId, donation),
    moneyReceived: state.moneyReceived + (data.kind === 'money' ? data.amount : 0),
    goodsValueReceived: state.goodsValueReceived + (data.kind === 'goods' ? data.amount : 0),
  });
}

function evolveDonationRefunded(state: CampaignState, { data }: DonationRefunded): CampaignState {
  const donation = state.donations.get(data.donationId);
  if (!donation) return state;
  const refundedDonation: DonationState = {
    ...donation, refunded: donation.refunded + data.amount, refundIds: [...donation.refundIds, data.refundId],
  };
  return withBalance({
    ...state,
    donations: state.donations.set(data.donationId, refundedDonation),
    moneyRefunded: state.moneyRefunded + (data.kind === 'money' ? data.amount : 0),
  });
}

function evolveFundsDisbursed(state: CampaignState, { data }: FundsDisbursed): CampaignState {
  return withBalance({
    ...state,
    disbursementIds: state.disbursementIds.add(data.disbursementId),
    disbursed: state.disbursed + data.amount,
  });
}

export const campaignDecider: Decider<CampaignCommand, CampaignEvent, CampaignState> = {
  initialState: () => ({
    exists: false, campaignId: '', name: '', orgUnitId: '', orgPath: [], startsOn: null, endsOn: null,
    donations: OrderedMap(), disbursementIds: PersistentSet(),
    moneyReceived: 0, moneyRefunded: 0, goodsValueReceived: 0, disbursed: 0, balance: 0,
  }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'CampaignLaunched': {
        const { campaignId, name, orgUnitId, orgPath, startsOn, endsOn } = event.data;
        return { ...state, exists: true, campaignId, name, orgUnitId, orgPath: [...orgPath], startsOn, endsOn };
      }
      case 'DonationReceived':
        return evolveDonationReceived(state, event);
      case 'DonationRefunded':
        return evolveDonationRefunded(state, event);
      case 'FundsDisbursed':
        return evolveFundsDisbursed(state, event);
      case 'GoodsDistributed':
        return evolveGoodsDistributed(state, event);
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'LaunchCampaign':
        return decideLaunch(command, state);
      case 'ReceiveDonation':
        return decideReceiveDonation(command, state);
      case 'RefundDonation':
        return decideRefundDonation(command, state);
      case 'DisburseFunds':
        return decideDisburseFunds(command, state);
      case 'DistributeGoods':
        return decideDistributeGoods(command, state);
    }
  },
};
