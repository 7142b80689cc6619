import { campaignDecider, upcast, type CampaignState, type LedgerEvent } from '@tongxin/domain';
import type { EventStore, RecordedEvent } from '@tongxin/event-store';
import { Map as PersistentMap } from 'immutable';
import type { EventPlace, Folder } from './stream-states';

/** A campaign's state, and where each of its donations' events lies, so a donation is read without its campaign's stream. */
export interface CampaignWithDonationEvents {
  campaign: CampaignState;
  /**
   * Per donation: its DonationReceived, then its refunds and distributions, in stream order. A plain array copied on
   * each of the donation's own events (a few), since a persistent list per donation weighed ~500 bytes more.
   */
  eventsOf: PersistentMap<string, readonly EventPlace[]>;
}

const DONATION_EVENTS = new Set(['DonationReceived', 'DonationRefunded', 'GoodsDistributed']);

/** Folds a campaign stream for reads of one donation (kept by StreamStates like any state). */
export const campaignWithDonationEvents: Folder<CampaignWithDonationEvents> = {
  initialState: () => ({ campaign: campaignDecider.initialState(), eventsOf: PersistentMap() }),
  evolve: (state, event: LedgerEvent, at) => {
    const campaign = campaignDecider.evolve(state.campaign, event as never);
    if (!DONATION_EVENTS.has(event.type)) return { campaign, eventsOf: state.eventsOf };
    const { donationId } = event.data as { donationId: string };
    const { revision, position } = at;
    return { campaign, eventsOf: state.eventsOf.set(donationId, [...state.eventsOf.get(donationId, []), { revision, position }]) };
  },
};

/**
 * The events at `places` of one stream, read through `store` (so personal data comes unsealed, or marked erased, as on
 * every read) one by one from the global log. An event the global log does not show yet (PostgreSQL holds back
 * what lies above a transaction still open) is read from its stream instead.
 */
export async function readEventsAt(store: EventStore, streamId: string, places: Iterable<EventPlace>): Promise<RecordedEvent[]> {
  const events = await Promise.all([...places].map(async ({ revision, position }) => {
    const [event] = await store.readAll({ after: position - 1, limit: 1 });
    if (event?.position === position) return event;
    const [fromStream] = await store.readStream(streamId, { fromRevision: revision });
    return fromStream;
  }));
  // `upcast` gives the current shape of each, as a fold of the stream would.
  return events.filter((event): event is RecordedEvent => event !== undefined).map(upcast);
}
