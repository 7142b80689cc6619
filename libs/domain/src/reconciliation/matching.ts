/**
 * The matching job's passes, as a pure function of the folded reconciliation and the campaign's donations:
 * (a) the same reference (normalised) and amount; (b) the same amount, dated within a few days of receipt;
 * (c) the same amount and the donor's name as the payer, within a wider window. A pass pairs a line and a donation
 * only when each is the other's one candidate; anything else is left for an organiser, with the reason.
 * Already matched lines and donations, and pairs an organiser unmatched, take no part.
 */
import type { DonationState } from '../campaigns/campaign';
import type { IsoDate, MatchMethod } from '../events';
import { normaliseText } from './normalise';
import { lineKey, pairKey, type BankLineState, type ReconciliationState } from './reconciliation';

export interface MatchOptions {
  /** Pass (b): days between the bank's date and the donation's receivedOn, either way. */
  dateWindowDays: number;
  /** Pass (c): the same for a match on the payer's name. */
  counterpartyWindowDays: number;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = { dateWindowDays: 3, counterpartyWindowDays: 15 };

export interface ProposedMatch {
  statementId: string;
  line: number;
  donationId: string;
  by: Exclude<MatchMethod, 'manual'>;
}

/** Why a line was left unmatched (never naming a person: analysts read it), and the donations an organiser might pick from. */
export interface UnresolvedLine {
  statementId: string;
  line: number;
  reason: string;
  candidates: string[];
}

export interface MatchProposal {
  matches: ProposedMatch[];
  unresolved: UnresolvedLine[];
}

const DAY_MS = 86_400_000;

function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / DAY_MS;
}

/** The donations a reconciliation may match: money of the campaign, not matched yet. */
function openDonations(state: ReconciliationState, donations: Iterable<DonationState>): DonationState[] {
  return [...donations].filter((donation) => donation.kind === 'money' && !state.matchedDonations.has(donation.donationId));
}

function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export function proposeMatches(
  state: ReconciliationState, donations: Iterable<DonationState>, options: MatchOptions = DEFAULT_MATCH_OPTIONS,
): MatchProposal {
  const lines = [...state.lines.values()].filter((line) => line.matched === null)
    .sort((a, b) => (a.statementId === b.statementId ? a.line - b.line : a.statementId < b.statementId ? -1 : 1));
  const open = new Map(openDonations(state, donations).map((donation) => [donation.donationId, donation]));
  const matches: ProposedMatch[] = [];
  const reasons = new Map<string, { reason: string; candidates: string[] }>();
  const taken = new Set<string>();
  const rejected = (line: BankLineState, donation: DonationState) =>
    state.rejected.has(pairKey(line.statementId, line.line, donation.donationId));
  const pair = (line: BankLineState, donation: DonationState, by: ProposedMatch['by']) => {
    matches.push({ statementId: line.statementId, line: line.line, donationId: donation.donationId, by });
    taken.add(lineKey(line.statementId, line.line));
    open.delete(donation.donationId);
  };
  const remaining = () => lines.filter((line) => !taken.has(lineKey(line.statementId, line.line)));

  // (a) A reference names one transfer: it pairs only when it is unique on both sides and the amounts agree.
  const linesByReference = groupBy(lines, (line) => (line.reference === null ? null : normaliseText(line.reference)));
  const donationsByReference = groupBy(open.values(), (donation) => (donation.reference === null ? null : normaliseText(donation.reference)));
  /** Lines and donations whose reference names a counterpart that does not agree: never paired by a weaker pass. */
  const held = new Set<string>();
  for (const [reference, sameLines] of linesByReference) {
    const sameDonations = donationsByReference.get(reference);
    if (!sameDonations || reference === '') continue;
    const ids = sameDonations.map((donation) => donation.donationId);
    if (sameLines.length > 1 || sameDonations.length > 1) {
      for (const line of sameLines) reasons.set(lineKey(line.statementId, line.line), { reason: `reference ${line.reference} is shared by ${sameLines.length} lines and ${sameDonations.length} donations`, candidates: ids });
      continue;
    }
    const [line] = sameLines;
    const [donation] = sameDonations;
    if (rejected(line, donation)) continue;
    if (line.amount === donation.amount) {
      pair(line, donation, 'reference');
    } else {
      held.add(lineKey(line.statementId, line.line));
      held.add(donation.donationId);
      reasons.set(lineKey(line.statementId, line.line), {
        reason: `reference ${line.reference} is donation ${donation.donationId}'s, but the line is ${line.amount} 分 and the donation ${donation.amount} 分`,
        candidates: [donation.donationId],
      });
    }
  }

  // (b) and (c): same amount, within the window, and for (c) the payer named as the donor; one candidate each way.
  const passes: [ProposedMatch['by'], number, (line: BankLineState, donation: DonationState) => boolean][] = [
    ['amount-date', options.dateWindowDays, () => true],
    ['counterparty', options.counterpartyWindowDays, (line, donation) =>
      line.counterparty !== null && donation.donor.name !== null && donation.donor.name !== undefined
      && normaliseText(line.counterparty) === normaliseText(donation.donor.name)],
  ];
  for (const [by, windowDays, agrees] of passes) {
    const byAmount = groupBy([...open.values()].filter((donation) => !held.has(donation.donationId)), (donation) => String(donation.amount));
    const candidatesOf = new Map<BankLineState, DonationState[]>();
    const linesOf = new Map<string, BankLineState[]>();
    for (const line of remaining()) {
      if (held.has(lineKey(line.statementId, line.line))) continue;
      const candidates = (byAmount.get(String(line.amount)) ?? []).filter((donation) =>
        daysBetween(line.date, donation.receivedOn) <= windowDays && agrees(line, donation) && !rejected(line, donation));
      candidatesOf.set(line, candidates);
      for (const donation of candidates) linesOf.set(donation.donationId, [...(linesOf.get(donation.donationId) ?? []), line]);
    }
    for (const [line, candidates] of candidatesOf) {
      const key = lineKey(line.statementId, line.line);
      const ids = candidates.map((donation) => donation.donationId);
      if (candidates.length === 1 && (linesOf.get(candidates[0].donationId) ?? []).length === 1) {
        pair(line, candidates[0], by);
      } else if (candidates.length > 1) {
        reasons.set(key, { reason: `${candidates.length} donations of ${line.amount} 分 within ±${windowDays} days (${by}): ambiguous`, candidates: ids });
      } else if (candidates.length === 1) {
        const rivals = linesOf.get(candidates[0].donationId)!.length;
        reasons.set(key, { reason: `donation ${candidates[0].donationId} fits ${rivals} lines of ${line.amount} 分 within ±${windowDays} days (${by}): ambiguous`, candidates: ids });
      }
    }
  }

  const unresolved = remaining().map((line) => {
    const found = reasons.get(lineKey(line.statementId, line.line));
    return {
      statementId: line.statementId, line: line.line,
      reason: found?.reason ?? `no open donation of ${line.amount} 分 within ±${options.dateWindowDays} days, nor one given by the payer within ±${options.counterpartyWindowDays} days`,
      candidates: found?.candidates ?? [],
    };
  });
  return { matches, unresolved };
}
