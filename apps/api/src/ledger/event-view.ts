import type { RecordedEvent } from '@tongxin/event-store';

/** How an event is shown in every answer that lists events (/events, /streams, entity histories). */
export interface EventView {
  position: number;
  streamId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

export function toEventView(event: RecordedEvent): EventView {
  return {
    position: event.position, streamId: event.streamId, revision: event.revision, type: event.type,
    data: event.data, metadata: event.metadata, recordedAt: event.recordedAt,
  };
}
