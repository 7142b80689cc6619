import { fold } from '../decider';
import type { ReconciliationEvent } from '../events';
import { donationMatched, donationUnmatched, moneyDonation, statementRecorded, type LineFixture } from '../testing/reconciliation-events';
import { proposeMatches } from './matching';
import { reconciliationDecider } from './reconciliation';

const stateOf = (lines: LineFixture[], more: ReconciliationEvent[] = []) =>
  fold(reconciliationDecider, [statementRecorded('s1', lines), ...more]);
const pairs = (proposal: ReturnType<typeof proposeMatches>) => proposal.matches.map(({ line, donationId, by }) => [line, donationId, by]);

describe('the matching passes', () => {
  it('(a) pairs by reference, ignoring case, spaces and full-width forms, before any weaker pass', () => {
    const state = stateOf([{ line: 2, date: '2024-06-01', amount: 5_000, reference: 'ＨＸ－００１ ' }]);
    // d2 has the same amount and date, but the reference names d1.
    const donations = [moneyDonation('d2', 5_000, '2024-06-01'), moneyDonation('d1', 5_000, '2024-05-20', 'hx-001')];
    expect(pairs(proposeMatches(state, donations))).toEqual([[2, 'd1', 'reference']]);
  });

  it('(a) holds a line whose reference names a donation of another amount, and says so', () => {
    const state = stateOf([{ line: 2, date: '2024-06-01', amount: 5_001, reference: 'HX-1' }]);
    const proposal = proposeMatches(state, [moneyDonation('d1', 5_000, '2024-06-01', 'HX-1'), moneyDonation('d2', 5_001, '2024-06-01')]);
    expect(proposal.matches).toEqual([]);
    expect(proposal.unresolved).toEqual([{ statementId: 's1', line: 2, reason: expect.stringContaining('5001 分'), candidates: ['d1'] }]);
  });

  it('(b) pairs the one donation of the amount within ±3 days', () => {
    const state = stateOf([{ line: 2, date: '2024-06-04', amount: 7_000 }, { line: 3, date: '2024-06-10', amount: 8_000 }]);
    const donations = [moneyDonation('d1', 7_000, '2024-06-01'), moneyDonation('d2', 8_000, '2024-06-01')];
    const proposal = proposeMatches(state, donations);
    expect(pairs(proposal)).toEqual([[2, 'd1', 'amount-date']]);
    expect(proposal.unresolved.map((u) => u.line)).toEqual([3]); // 9 days off, and no payer name
  });

  it('(b) leaves ambiguous candidates unmatched, either way round, with the candidates', () => {
    const twoDonations = stateOf([{ line: 2, date: '2024-06-01', amount: 100 }]);
    const proposal = proposeMatches(twoDonations, [moneyDonation('d1', 100, '2024-06-01'), moneyDonation('d2', 100, '2024-06-02')]);
    expect(proposal.matches).toEqual([]);
    expect(proposal.unresolved).toEqual([{ statementId: 's1', line: 2, reason: expect.stringContaining('ambiguous'), candidates: ['d1', 'd2'] }]);
    const twoLines = stateOf([{ line: 2, date: '2024-06-01', amount: 100 }, { line: 3, date: '2024-06-02', amount: 100 }]);
    const both = proposeMatches(twoLines, [moneyDonation('d1', 100, '2024-06-01')]);
    expect(both.matches).toEqual([]);
    expect(both.unresolved.map((u) => [u.line, u.candidates])).toEqual([[2, ['d1']], [3, ['d1']]]);
  });

  it('(c) pairs by the payer\'s name, normalised, within ±15 days', () => {
    const state = stateOf([{ line: 2, date: '2024-06-12', amount: 9_900, counterparty: ' 李 四 ' }]);
    const donations = [moneyDonation('d1', 9_900, '2024-06-01', null, '李四'), moneyDonation('d2', 9_900, '2024-06-01', null, '王五')];
    expect(pairs(proposeMatches(state, donations))).toEqual([[2, 'd1', 'counterparty']]);
  });

  it('(c) also settles what (b) found ambiguous', () => {
    const state = stateOf([{ line: 2, date: '2024-06-01', amount: 100, counterparty: '王五' }]);
    const donations = [moneyDonation('d1', 100, '2024-06-01', null, '李四'), moneyDonation('d2', 100, '2024-06-01', null, '王五')];
    expect(pairs(proposeMatches(state, donations))).toEqual([[2, 'd2', 'counterparty']]);
  });

  it('skips matched lines and donations, goods, and pairs an organiser unmatched', () => {
    const state = stateOf(
      [{ line: 2, date: '2024-06-01', amount: 100 }, { line: 3, date: '2024-06-01', amount: 200 }, { line: 4, date: '2024-06-01', amount: 300 }],
      [donationMatched('s1', 2, 'd1', 'amount-date'), donationMatched('s1', 3, 'd2', 'amount-date'), donationUnmatched('s1', 3, 'd2')],
    );
    const goods = { ...moneyDonation('g1', 300, '2024-06-01'), kind: 'goods' as const };
    const proposal = proposeMatches(state, [moneyDonation('d1', 100, '2024-06-01'), moneyDonation('d2', 200, '2024-06-01'), goods]);
    expect(proposal.matches).toEqual([]);
    expect(proposal.unresolved.map((u) => u.line)).toEqual([3, 4]);
  });

  it('proposes nothing more once its proposals are recorded (a re-run matches nothing twice)', () => {
    const lines = [{ line: 2, date: '2024-06-01', amount: 100, reference: 'R1' }, { line: 3, date: '2024-06-03', amount: 200 }];
    const donations = [moneyDonation('d1', 100, '2024-05-30', 'r1'), moneyDonation('d2', 200, '2024-06-01')];
    const first = proposeMatches(stateOf(lines), donations);
    expect(first.matches).toHaveLength(2);
    const recorded = first.matches.map((m) => donationMatched(m.statementId, m.line, m.donationId, m.by));
    expect(proposeMatches(stateOf(lines, recorded), donations)).toEqual({ matches: [], unresolved: [] });
  });
});
