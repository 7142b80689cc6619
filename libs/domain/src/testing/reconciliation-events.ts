/** Reconciliation events for specs: campaign `c1` launched at mayang (see fixtures), statements of its account. */
import type { DonationState } from '../campaigns/campaign';
import type { BankStatementRecorded, DonationMatched, DonationUnmatched, MatchMethod } from '../events';
import { donationReceived } from './campaign-events';
import { org } from './fixtures';

export interface LineFixture { line: number; date: string; amount: number; reference?: string | null; counterparty?: string | null }

export function statementRecorded(statementId: string, lines: LineFixture[]): BankStatementRecorded {
  return {
    type: 'BankStatementRecorded',
    data: {
      statementId, campaignId: 'c1', orgUnitId: 'mayang', orgPath: [...org.mayang.orgPath], fileName: `${statementId}.xlsx`,
      lines: lines.map(({ line, date, amount, reference }) => ({ line, date, amount, reference: reference ?? null })),
      counterparties: lines.map((line) => line.counterparty ?? null),
      duplicates: [],
    },
  };
}

export function donationMatched(statementId: string, line: number, donationId: string, by: MatchMethod = 'reference', reason: string | null = null): DonationMatched {
  return { type: 'DonationMatched', data: { campaignId: 'c1', statementId, line, donationId, by, reason } };
}

export function donationUnmatched(statementId: string, line: number, donationId: string, reason = '金额不符'): DonationUnmatched {
  return { type: 'DonationUnmatched', data: { campaignId: 'c1', statementId, line, donationId, reason } };
}

/** A money donation received on `receivedOn` from `name`, with a bank reference or none. */
export function moneyDonation(donationId: string, amount: number, receivedOn: string, reference: string | null = null, name = '张三'): DonationState {
  const { data } = donationReceived(donationId, amount);
  return {
    donationId, kind: 'money', amount, refunded: 0, orgUnitId: data.orgUnitId, orgPath: [...data.orgPath], receivedOn,
    donor: { name, kind: 'individual', anonymous: false }, method: 'bank_transfer', reference, items: [], refundIds: [],
    distributed: [], distributionIds: [],
  };
}
