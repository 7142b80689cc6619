import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  campaignDecider, DomainError, MATCH_METHODS, lineKey, proposeMatches, reconciliationDecider, streams, type MatchMethod,
} from '@tongxin/domain';
import { requireScope } from '../auth/access';
import type { Principal } from '../auth/principal';
import { CommandExecutor } from '../ledger/command-executor';
import { SEES_DONOR_NAMES, showsDonorName } from '../ledger/event-view';

export interface UnmatchedDonationView {
  donationId: string; amount: number; receivedOn: string; reference: string | null;
  /** Null for anonymous donors, for roles that do not see donor names, and once the donor was erased. */
  donorName: string | null;
}

export interface UnmatchedBankLineView {
  statementId: string; line: number; date: string; amount: number; reference: string | null;
  /**
   * The payer as the bank names them; null for roles that do not see donor names, once erased, and when an anonymous
   * donation is among the line's candidates or was unmatched from it.
   */
  counterparty: string | null;
  /** Why the matching passes left it, and the donations an organiser might pick from. */
  reason: string; candidates: string[];
}

export interface ReconciliationView {
  campaignId: string;
  /** 分: the campaign's money donations as received; refunds are shown apart, in moneyRefunded. */
  moneyReceived: number;
  moneyRefunded: number;
  /** 分: the sum of the matched donations. */
  matched: number;
  unmatchedDonations: UnmatchedDonationView[];
  /** 分: the credit lines of every statement recorded. */
  bankTotal: number;
  unmatchedBankLines: UnmatchedBankLineView[];
  /** bankTotal − moneyReceived, 分. */
  difference: number;
  /** Matched pairs by how they were matched. */
  matches: Record<MatchMethod, number>;
  statements: { statementId: string; fileName: string; lines: number }[];
  /** Revisions of the two streams as read. */
  revision: { campaign: number; reconciliation: number };
}

export class GetReconciliationQuery extends Query<ReconciliationView> {
  constructor(readonly campaignId: string, readonly principal: Principal) {
    super();
  }
}

/** Folded from the campaign and reconciliation streams through the sealing store, so names unseal for who may see them. */
@QueryHandler(GetReconciliationQuery)
export class GetReconciliationHandler implements IQueryHandler<GetReconciliationQuery> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ campaignId, principal }: GetReconciliationQuery): Promise<ReconciliationView> {
    const campaign = await this.executor.load(streams.campaign(campaignId), campaignDecider);
    // As for every read: an unknown campaign is out of any scoped caller's scope, so it cannot be probed.
    requireScope(principal, campaign.state.exists ? campaign.state.orgPath : null);
    if (!campaign.state.exists) throw new DomainError('NOT_FOUND', `campaign ${campaignId} does not exist`);
    const reconciliation = await this.executor.load(streams.reconciliation(campaignId), reconciliationDecider);
    const { state } = reconciliation;
    const seesNames = SEES_DONOR_NAMES.includes(principal.role);
    const donations = [...campaign.state.donations.values()].filter((donation) => donation.kind === 'money');
    const lines = [...state.lines.values()];
    const matches = Object.fromEntries(MATCH_METHODS.map((method) => [method, 0])) as Record<MatchMethod, number>;
    for (const line of lines) if (line.matched) matches[line.matched.by]++;
    const { unresolved } = proposeMatches(state, donations);
    const anonymous = new Set(donations.filter((donation) => donation.donor.anonymous).map((donation) => donation.donationId));
    // Lines once matched to an anonymous donation and unmatched by hand: their payer may well be that donor.
    const unmatchedFromAnonymous = new Set([...state.rejected]
      .map((pair) => pair.split('|'))
      .filter(([, donationId]) => anonymous.has(donationId))
      .map(([line]) => line));
    const why = new Map(unresolved.map((entry) => [`${entry.statementId}#${entry.line}`, entry]));
    const sum = (amounts: number[]) => amounts.reduce((total, amount) => total + amount, 0);
    const bankTotal = sum(lines.map((line) => line.amount));
    return {
      campaignId,
      moneyReceived: campaign.state.moneyReceived,
      moneyRefunded: campaign.state.moneyRefunded,
      matched: sum(donations.filter((d) => state.matchedDonations.has(d.donationId)).map((d) => d.amount)),
      unmatchedDonations: donations
        .filter((donation) => !state.matchedDonations.has(donation.donationId))
        .sort((a, b) => (a.receivedOn === b.receivedOn ? (a.donationId < b.donationId ? -1 : 1) : a.receivedOn < b.receivedOn ? -1 : 1))
        .map((donation) => ({
          donationId: donation.donationId, amount: donation.amount, receivedOn: donation.receivedOn, reference: donation.reference,
          donorName: showsDonorName(principal.role, donation.donor) ? (donation.donor.name ?? null) : null,
        })),
      bankTotal,
      unmatchedBankLines: lines
        .filter((line) => line.matched === null)
        .sort((a, b) => (a.statementId === b.statementId ? a.line - b.line : a.statementId < b.statementId ? -1 : 1))
        .map((line) => {
          const found = why.get(`${line.statementId}#${line.line}`);
          return {
            statementId: line.statementId, line: line.line, date: line.date, amount: line.amount, reference: line.reference,
            // A line an anonymous donation could be, or was, is one whose payer would name that donor.
            counterparty: seesNames && !unmatchedFromAnonymous.has(lineKey(line.statementId, line.line))
              && !found?.candidates.some((id) => anonymous.has(id)) ? line.counterparty : null,
            reason: found?.reason ?? '', candidates: found?.candidates ?? [],
          };
        }),
      difference: bankTotal - campaign.state.moneyReceived,
      matches,
      statements: [...state.statements.entries()].map(([statementId, statement]) => ({
        statementId, fileName: statement.fileName, lines: statement.lines.length,
      })),
      revision: { campaign: campaign.revision, reconciliation: reconciliation.revision },
    };
  }
}
