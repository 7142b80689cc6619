import type { RecordedEvent } from '@tongxin/event-store';
import { LedgerFold, type FactStore, type HourVersion } from './fold';

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

describe('LedgerFold hour verification', () => {
  /** One open entry's calls, as a store that keeps rows in memory would see them. */
  function entryStore(locks: { month: string; org_unit_id: string; org_path: string }[] = []) {
    const calls: string[] = [];
    const changes: Record<string, unknown>[] = [];
    let open: HourVersion | undefined;
    const store = {
      activityLink: () => undefined,
      periodLocks: () => locks,
      openHours: () => open,
      insertHours: (row: HourVersion, pos: number) => {
        calls.push(`insert@${pos}`);
        open = row;
      },
      closeHours: (_row: HourVersion, pos: number) => {
        calls.push(`close@${pos}`);
        open = undefined;
      },
      verifyHours: (row: HourVersion, pos: number, at: number) => {
        calls.push(`verify@${pos}`);
        row.verified_pos = pos;
        row.verified_at = at;
      },
      insertChange: (row: Record<string, unknown>) => changes.push(row),
    } as unknown as FactStore;
    return { store, calls, changes, open: () => open };
  }
  const event = (position: number, type: string, data: Record<string, unknown>): RecordedEvent => ({
    position, streamId: 'volunteer-v', revision: position, type, recordedAt: `2024-04-01T00:00:0${position}.000Z`, metadata: { actor: 'a' },
    data,
  });
  const logged = event(1, 'HoursLogged', {
    volunteerId: 'v', entryId: 'e', activityId: null, orgUnitId: 'hh', orgPath: ['hh'], campaignId: null, servedOn: '2024-03-05',
    minutes: 60, description: null,
  });

  it('Given a pending entry When it is verified, twice Then its version stays open and is marked verified once, at the first', () => {
    const { store, calls, changes, open } = entryStore();
    const fold = new LedgerFold();
    fold.apply(store, logged);
    fold.apply(store, event(2, 'HoursVerified', { volunteerId: 'v', entryId: 'e' }));
    fold.apply(store, event(3, 'HoursVerified', { volunteerId: 'v', entryId: 'e' }));
    expect(calls).toEqual(['insert@1', 'verify@2']);
    expect(open()).toMatchObject({ verified_pos: 2, verified_at: Date.parse('2024-04-01T00:00:02.000Z'), minutes: 60 });
    expect(changes).toEqual([]);
  });

  it('Given a locked month When an entry in it is verified Then the change lists it pending before and verified after', () => {
    const { store, calls, changes } = entryStore([{ month: '2024-03', org_unit_id: 'hh', org_path: '/hh/' }]);
    const fold = new LedgerFold();
    fold.apply(store, logged);
    fold.apply(store, event(2, 'HoursVerified', { volunteerId: 'v', entryId: 'e', reason: 'late' }));
    expect(calls).toEqual(['insert@1', 'verify@2']);
    const verification = changes.find((change) => change.kind === 'verification')!;
    expect(JSON.parse(verification.before_json as string)).toMatchObject({ status: 'pending', minutes: 60 });
    expect(JSON.parse(verification.after_json as string)).toMatchObject({ status: 'verified', minutes: 60 });
    expect(verification.reason).toBe('late');
  });
});
