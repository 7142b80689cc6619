import type { RecordedEvent } from '@tongxin/event-store';
import { LedgerFold, type FactStore } from './fold';

/** Records the `at` of every donation the fold inserts; no period is locked, and nothing else is called for these events. */
function recordingStore(ats: number[]): FactStore {
  return {
    insertDonation: (_row: unknown, _pos: number, at: number) => ats.push(at),
    periodLocks: () => [],
  } as unknown as FactStore;
}

function donation(position: number, recordedAt: string): RecordedEvent {
  return {
    position, streamId: `campaign-${position}`, revision: 0, type: 'DonationReceived', recordedAt, metadata: {},
    data: { donationId: `d-${position}`, campaignId: 'c', orgPath: ['hh'], kind: 'money', amount: 1, receivedOn: '2024-01-01' },
  };
}

describe('LedgerFold recordedAt', () => {
  it('reads every instant as Date.parse does, within a day, across days and in other shapes', () => {
    const instants = [
      '2024-02-28T23:59:59.999Z', '2024-02-29T00:00:00.000Z', '2024-02-29T00:00:00.001Z', '2024-02-29T09:05:07.123Z',
      '2024-02-29T09:05:07.123Z', '2024-02-29T23:59:59.999Z', '2024-03-01T12:00:00.000Z', '2024-03-01T12:00:00Z',
      '2024-03-01T12:00:01.500Z', '2024-03-01T20:00:00.000+08:00', '2024-03-01T12:00:02.000Z', '2024-03-01T24:00:00.000Z',
      '2024-03-02T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '1969-12-31T00:00:00.001Z',
    ];
    const ats: number[] = [];
    const fold = new LedgerFold();
    const store = recordingStore(ats);
    instants.forEach((instant, i) => fold.apply(store, donation(i + 1, instant)));
    expect(ats).toEqual(instants.map((instant) => Date.parse(instant)));
  });

  it('refuses what is not an instant, even on a day it has seen', () => {
    const fold = new LedgerFold();
    const store = recordingStore([]);
    fold.apply(store, donation(1, '2024-03-01T12:00:00.000Z'));
    for (const bad of ['2024-03-01T12:60:00.000Z', '2024-03-01T1a:00:00.000Z', '2024-03-01T12:00:00.000X', 'yesterday']) {
      expect(() => fold.apply(store, donation(2, bad))).toThrow(/not an instant/);
    }
  });
});
