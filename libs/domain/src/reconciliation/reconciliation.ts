/**
 * Bank reconciliation of a campaign (stream reconciliation-{campaignId}): the statements of its receiving account
 * and every match between a bank line and a donation. One stream per campaign, so a line is matched at most once
 * and a donation at most once, whoever decides (the matching job or an organiser).
 */
import { Map as PersistentMap, OrderedMap, Set as PersistentSet } from 'immutable';
import type { CampaignState, DonationState } from '../campaigns/campaign';
import type { MatchDonations, ReconciliationCommand, RecordBankStatement, UnmatchDonation } from '../commands';
import type { Decider } from '../decider';
import { DomainError } from '../errors';
import type {
  BankStatementRecorded, DonationMatched, DonationUnmatched, IsoDate, MatchMethod, ReconciliationEvent,
} from '../events';
import { normaliseText } from './normalise';

export interface BankLineState {
  statementId: string;
  line: number;
  date: IsoDate;
  amount: number;
  reference: string | null;
  /** Null when the payer was not named, or the name was erased. */
  counterparty: string | null;
  matched: { donationId: string; by: MatchMethod } | null;
}

export interface ReconciliationState {
  exists: boolean;
  campaignId: string;
  orgUnitId: string;
  orgPath: string[];
  /**
   * In the order recorded. A campaign's statements grow with its donations, and one matching job appends a match per
   * line, so what grows is kept in persistent collections: an event shares the rest instead of copying it.
   */
  statements: OrderedMap<string, { fileName: string; lines: number[] }>;
  /** By lineKey(statementId, line), in the order recorded. */
  lines: OrderedMap<string, BankLineState>;
  /** Donation id → the lineKey it is matched to. */
  matchedDonations: PersistentMap<string, string>;
  /** pairKey(line, donation) of pairs an organiser unmatched: the matching job never pairs them again. */
  rejected: PersistentSet<string>;
}

export const lineKey = (statementId: string, line: number): string => `${statementId}#${line}`;
export const pairKey = (statementId: string, line: number, donationId: string): string => `${lineKey(statementId, line)}|${donationId}`;

function decideRecordStatement(command: RecordBankStatement, state: ReconciliationState): BankStatementRecorded[] {
  const { data, campaign } = command;
  if (!campaign.exists || campaign.campaignId !== data.campaignId) {
    throw new DomainError('UNKNOWN_REFERENCE', `campaign ${data.campaignId} does not exist`, 'campaignId');
  }
  // The same file again: recorded once already.
  if (state.statements.has(data.statementId)) return [];
  const seen = new Map<string, BankLineState>();
  for (const line of state.lines.values()) {
    if (line.reference !== null) seen.set(sameLineKey(line.reference, line.date, line.amount), line);
  }
  const lines: RecordBankStatement['data']['lines'] = [];
  const duplicates: BankStatementRecorded['data']['duplicates'] = [];
  for (const line of data.lines) {
    const earlier = line.reference === null ? undefined : seen.get(sameLineKey(line.reference, line.date, line.amount));
    if (earlier) duplicates.push({ line: line.line, statementId: earlier.statementId, sameAs: earlier.line });
    else lines.push(line);
  }
  return [{
    type: 'BankStatementRecorded',
    data: {
      statementId: data.statementId, campaignId: campaign.campaignId, orgUnitId: campaign.orgUnitId,
      orgPath: [...campaign.orgPath], fileName: data.fileName,
      lines: lines.map(({ line, date, amount, reference }) => ({ line, date, amount, reference })),
      counterparties: lines.map((line) => line.counterparty),
      duplicates,
    },
  }];
}

/** A bank's serial number names one transfer: the same one on two statements is one receipt. */
function sameLineKey(reference: string, date: IsoDate, amount: number): string {
  return `${normaliseText(reference)}\n${date}\n${amount}`;
}

function requireLine(state: ReconciliationState, statementId: string, line: number): BankLineState {
  if (!state.statements.has(statementId)) {
    throw new DomainError('UNKNOWN_REFERENCE', `statement ${statementId} does not exist in this campaign`, 'statementId');
  }
  const key = lineKey(statementId, line);
  const found = state.lines.get(key);
  if (!found) throw new DomainError('UNKNOWN_REFERENCE', `statement ${statementId} has no credit line ${line}`, 'line');
  return found;
}

function requireMoneyDonation(campaign: CampaignState, donationId: string): DonationState {
  const donation = campaign.exists ? campaign.donations.get(donationId) : undefined;
  if (!donation) throw new DomainError('UNKNOWN_REFERENCE', `donation ${donationId} does not exist in this campaign`, 'donationId');
  if (donation.kind !== 'money') {
    throw new DomainError('INVALID_REFERENCE', `donation ${donationId} is goods; only money reaches the bank`, 'donationId');
  }
  return donation;
}

function decideMatch(command: MatchDonations, initial: ReconciliationState): DonationMatched[] {
  let state = initial;
  const events: DonationMatched[] = [];
  for (const match of command.data.matches) {
    const line = requireLine(state, match.statementId, match.line);
    requireMoneyDonation(command.campaign, match.donationId);
    if (line.matched) {
      throw new DomainError('ALREADY_MATCHED', `line ${match.line} of statement ${match.statementId} is matched to donation ${line.matched.donationId}`, 'line');
    }
    const other = state.matchedDonations.get(match.donationId);
    if (other !== undefined) {
      throw new DomainError('ALREADY_MATCHED', `donation ${match.donationId} is matched to line ${other}`, 'donationId');
    }
    if (match.by === 'manual' && !match.reason) {
      throw new DomainError('INVALID_VALUE', 'a manual match gives its reason', 'reason');
    }
    const event: DonationMatched = {
      type: 'DonationMatched',
      data: {
        campaignId: state.campaignId, statementId: match.statementId, line: match.line, donationId: match.donationId,
        by: match.by, reason: match.reason,
      },
    };
    events.push(event);
    state = evolve(state, event);
  }
  return events;
}

function decideUnmatch(command: UnmatchDonation, state: ReconciliationState): DonationUnmatched[] {
  const { data } = command;
  const line = requireLine(state, data.statementId, data.line);
  if (line.matched?.donationId !== data.donationId) {
    throw new DomainError('NOT_MATCHED', `line ${data.line} of statement ${data.statementId} is not matched to donation ${data.donationId}`);
  }
  return [{ type: 'DonationUnmatched', data: { campaignId: state.campaignId, ...data } }];
}

function evolveStatement(state: ReconciliationState, { data }: BankStatementRecorded): ReconciliationState {
  const lines = state.lines.withMutations((added) => {
    data.lines.forEach((line, index) => {
      added.set(lineKey(data.statementId, line.line), {
        statementId: data.statementId, ...line, counterparty: data.counterparties?.[index] ?? null, matched: null,
      });
    });
  });
  return {
    ...state, exists: true, campaignId: data.campaignId, orgUnitId: data.orgUnitId, orgPath: [...data.orgPath],
    statements: state.statements.set(data.statementId, { fileName: data.fileName, lines: data.lines.map((line) => line.line) }),
    lines,
  };
}

function evolve(state: ReconciliationState, event: ReconciliationEvent): ReconciliationState {
  switch (event.type) {
    case 'BankStatementRecorded':
      return evolveStatement(state, event);
    case 'DonationMatched': {
      const { statementId, line, donationId, by } = event.data;
      const key = lineKey(statementId, line);
      const current = state.lines.get(key);
      if (!current) return state;
      return {
        ...state,
        lines: state.lines.set(key, { ...current, matched: { donationId, by } }),
        matchedDonations: state.matchedDonations.set(donationId, key),
      };
    }
    case 'DonationUnmatched': {
      const { statementId, line, donationId } = event.data;
      const key = lineKey(statementId, line);
      const current = state.lines.get(key);
      if (!current) return state;
      return {
        ...state,
        lines: state.lines.set(key, { ...current, matched: null }),
        matchedDonations: state.matchedDonations.delete(donationId),
        rejected: state.rejected.add(pairKey(statementId, line, donationId)),
      };
    }
    default:
      return state;
  }
}

export const reconciliationDecider: Decider<ReconciliationCommand, ReconciliationEvent, ReconciliationState> = {
  initialState: () => ({
    exists: false, campaignId: '', orgUnitId: '', orgPath: [], statements: OrderedMap(), lines: OrderedMap(), matchedDonations: PersistentMap(), rejected: PersistentSet(),
  }),
  evolve,
  decide: (command, state) => {
    switch (command.type) {
      case 'RecordBankStatement':
        return decideRecordStatement(command, state);
      case 'MatchDonations':
        return decideMatch(command, state);
      case 'UnmatchDonation':
        return decideUnmatch(command, state);
    }
  },
};
