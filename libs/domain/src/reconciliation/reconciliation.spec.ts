import type { MatchDonations, RecordBankStatement, UnmatchDonation } from '../commands';
import { donationReceived } from '../testing/campaign-events';
import { fold } from '../decider';
import type { ReconciliationEvent } from '../events';
import { deciderSpec, expectEvolveLeavesInputUnchanged, looksIntoCollections } from '../testing/decider-spec';
import { campaign, noCampaign, org } from '../testing/fixtures';
import { donationMatched, donationUnmatched, statementRecorded } from '../testing/reconciliation-events';
import { reconciliationDecider } from './reconciliation';

const spec = deciderSpec(reconciliationDecider);
const c1 = campaign('c1', org.mayang, [donationReceived('d1', 10_000), donationReceived('d2', 20_000), donationReceived('g1', 5_000, 'goods')]);
const statement = statementRecorded('s1', [
  { line: 2, date: '2024-06-01', amount: 10_000, reference: 'HX-1', counterparty: '张三' },
  { line: 3, date: '2024-06-02', amount: 20_000 },
]);

function record(lines: RecordBankStatement['data']['lines'], statementId = 's1', state = c1): RecordBankStatement {
  return { type: 'RecordBankStatement', data: { statementId, campaignId: 'c1', fileName: `${statementId}.xlsx`, lines }, campaign: state };
}

function match(line: number, donationId: string, by: MatchDonations['data']['matches'][number]['by'] = 'manual', reason: string | null = '核对回单'): MatchDonations {
  return { type: 'MatchDonations', data: { matches: [{ statementId: 's1', line, donationId, by, reason }] }, campaign: c1 };
}

function unmatch(line: number, donationId: string): UnmatchDonation {
  return { type: 'UnmatchDonation', data: { statementId: 's1', line, donationId, reason: '误配' } };
}

describe('RecordBankStatement', () => {
  const lines = [
    { line: 2, date: '2024-06-01', amount: 10_000, reference: 'HX-1', counterparty: '张三' },
    { line: 3, date: '2024-06-02', amount: 20_000, reference: null, counterparty: null },
  ];

  it('records the credit lines under the campaign\'s unit, payer names apart (they are sealed)', () => {
    spec.given([]).when(record(lines)).then([statement]);
  });

  it('records nothing for a statement recorded before (the same file)', () => {
    spec.given([statement]).when(record(lines)).thenNothing();
  });

  it('leaves out lines an earlier statement holds (same reference, date and amount), so overlaps count once', () => {
    const overlap = [{ line: 5, date: '2024-06-01', amount: 10_000, reference: ' hx-1 ', counterparty: '张三' }, { line: 6, date: '2024-06-02', amount: 20_000, reference: null, counterparty: null }];
    spec.given([statement]).when(record(overlap, 's2')).then([{
      type: 'BankStatementRecorded',
      data: expect.objectContaining({
        statementId: 's2', lines: [{ line: 6, date: '2024-06-02', amount: 20_000, reference: null }], counterparties: [null],
        duplicates: [{ line: 5, statementId: 's1', sameAs: 2 }],
      }),
    }]);
  });

  it('refuses a campaign that does not exist', () => {
    spec.given([]).when(record(lines, 's1', noCampaign)).thenThrows('UNKNOWN_REFERENCE', 'campaignId');
  });
});

describe('MatchDonations', () => {
  it('matches a line to a donation once, with how and why', () => {
    spec.given([statement]).when(match(2, 'd1')).then([donationMatched('s1', 2, 'd1', 'manual', '核对回单')]);
  });

  it('refuses a line matched already, and a donation matched already', () => {
    spec.given([statement, donationMatched('s1', 2, 'd1')]).when(match(2, 'd2')).thenThrows('ALREADY_MATCHED', 'line');
    spec.given([statement, donationMatched('s1', 2, 'd1')]).when(match(3, 'd1')).thenThrows('ALREADY_MATCHED', 'donationId');
    spec.given([statement, donationMatched('s1', 2, 'd1')]).when(match(2, 'd1')).thenThrows('ALREADY_MATCHED', 'line');
  });

  it('refuses one donation twice in one batch', () => {
    const twice: MatchDonations = {
      type: 'MatchDonations', campaign: c1,
      data: { matches: [{ statementId: 's1', line: 2, donationId: 'd1', by: 'amount-date', reason: null }, { statementId: 's1', line: 3, donationId: 'd1', by: 'amount-date', reason: null }] },
    };
    spec.given([statement]).when(twice).thenThrows('ALREADY_MATCHED', 'donationId');
  });

  it('refuses an unknown statement, line or donation, and goods', () => {
    spec.given([]).when(match(2, 'd1')).thenThrows('UNKNOWN_REFERENCE', 'statementId');
    spec.given([statement]).when(match(9, 'd1')).thenThrows('UNKNOWN_REFERENCE', 'line');
    spec.given([statement]).when(match(2, 'd9')).thenThrows('UNKNOWN_REFERENCE', 'donationId');
    spec.given([statement]).when(match(2, 'g1')).thenThrows('INVALID_REFERENCE', 'donationId');
  });

  it('refuses a manual match without a reason', () => {
    spec.given([statement]).when(match(2, 'd1', 'manual', null)).thenThrows('INVALID_VALUE', 'reason');
  });

  it('matches again after an unmatch', () => {
    spec.given([statement, donationMatched('s1', 2, 'd1'), donationUnmatched('s1', 2, 'd1')]).when(match(2, 'd1'))
      .then([donationMatched('s1', 2, 'd1', 'manual', '核对回单')]);
  });
});

describe('UnmatchDonation', () => {
  it('unmatches a matched pair, with the reason', () => {
    spec.given([statement, donationMatched('s1', 2, 'd1')]).when(unmatch(2, 'd1')).then([donationUnmatched('s1', 2, 'd1', '误配')]);
  });

  it('refuses a pair that is not matched', () => {
    spec.given([statement]).when(unmatch(2, 'd1')).thenThrows('NOT_MATCHED');
    spec.given([statement, donationMatched('s1', 2, 'd1')]).when(unmatch(2, 'd2')).thenThrows('NOT_MATCHED');
    spec.given([statement, donationMatched('s1', 2, 'd1'), donationUnmatched('s1', 2, 'd1')]).when(unmatch(2, 'd1')).thenThrows('NOT_MATCHED');
  });
});

describe('the folded reconciliation', () => {
  it('knows what is matched, what was released, and which pairs were refused by hand', () => {
    const state = spec.given([statement, donationMatched('s1', 2, 'd1'), donationMatched('s1', 3, 'd2', 'amount-date'), donationUnmatched('s1', 3, 'd2')]).state();
    expect(state.matchedDonations.toObject()).toEqual({ d1: 's1#2' });
    expect(state.lines.get('s1#2')).toMatchObject({ counterparty: '张三', matched: { donationId: 'd1', by: 'reference' } });
    expect(state.lines.get('s1#3')?.matched).toBeNull();
    expect(state.rejected.toArray()).toEqual(['s1#3|d2']);
  });

  it('reads an erased payer name as null', () => {
    const erased = { ...statement, data: { ...statement.data, counterparties: null } };
    expect(spec.given([erased]).state().lines.get('s1#2')?.counterparty).toBeNull();
  });

  it('leaves its input unchanged', () => {
    expectEvolveLeavesInputUnchanged(reconciliationDecider, [statement], donationMatched('s1', 2, 'd1'));
    expectEvolveLeavesInputUnchanged(reconciliationDecider, [statement, donationMatched('s1', 2, 'd1')], donationUnmatched('s1', 2, 'd1'));
  });
});

describe('a campaign\'s reconciliation with thousands of lines', () => {
  // 2,000 lines, half matched; each event after them must touch O(1) of what they left, not copy it all.
  const lines = Array.from({ length: 2_000 }, (_, i) => ({ line: i + 2, date: '2024-06-01', amount: 100, reference: `HX-${i}` }));
  const long = fold(reconciliationDecider, [
    statementRecorded('s1', lines), ...lines.slice(0, 1_000).map(({ line }) => donationMatched('s1', line, `d${line}`)),
  ] as ReconciliationEvent[]);

  it.each([
    ['a match', donationMatched('s1', 1_500, 'd-new')],
    ['an unmatch', donationUnmatched('s1', 2, 'd2')],
    ['another statement', statementRecorded('s2', [{ line: 2, date: '2024-06-03', amount: 100 }])],
  ] as const)('evolves %s without copying the lines and matches it holds', (_, event) => {
    expect(looksIntoCollections(reconciliationDecider, long, ['statements', 'lines', 'matchedDonations', 'rejected'], event))
      .toBeLessThan(100);
  });
});
