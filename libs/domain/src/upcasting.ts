import { EVENT_SCHEMA_VERSIONS } from './events';

/** What an upcaster reads and returns: any recorded event (extra fields such as `position` are kept). */
export interface VersionedEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** Lifts one event type's payload from version N to N+1. Must be pure and return a new object. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** Per event type, the step out of each version: `{ ActivityRecorded: { 1: v1ToV2, 2: v2ToV3 } }`. */
export type UpcasterChains = Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;

/** The log holds a shape this code cannot read; folding on would silently miscount. */
export class EventSchemaVersionError extends Error {
  override readonly name = 'EventSchemaVersionError';
}

/**
 * Raises old event shapes to the current schema on read, so `evolve`s and projections only ever see
 * current shapes and the log itself is never rewritten. Pure: no I/O, inputs never mutated.
 */
export class EventUpcasters {
  // A Map rather than the record itself: an event type such as 'toString' must not find Object.prototype.
  private readonly current: ReadonlyMap<string, number>;

  constructor(
    private readonly chains: UpcasterChains,
    currentVersions: Readonly<Record<string, number>> = EVENT_SCHEMA_VERSIONS,
  ) {
    this.current = new Map(Object.entries(currentVersions));
  }

  /**
   * The event at its type's current version. An event already current (or with no `schemaVersion`
   * while current is 1) comes back as the same object, since replays call this for every event.
   * Unknown types pass through: other writers and projections own them.
   */
  upcast<E extends VersionedEvent>(event: E): E {
    const current = this.current.get(event.type);
    if (current === undefined) return event;
    const recorded = event.metadata.schemaVersion ?? 1;
    if (recorded === current) return event;
    if (typeof recorded !== 'number' || !Number.isInteger(recorded) || recorded < 1) {
      throw new EventSchemaVersionError(`${event.type}: schemaVersion ${String(recorded)} is not a version`);
    }
    if (recorded > current) {
      throw new EventSchemaVersionError(
        `${event.type} v${recorded} is newer than this code knows (v${current}); upgrade before reading this log`,
      );
    }
    const steps = Object.hasOwn(this.chains, event.type) ? this.chains[event.type] : undefined;
    let data = event.data;
    for (let version = recorded; version < current; version++) {
      const step = steps && Object.hasOwn(steps, version) ? steps[version] : undefined;
      if (!step) {
        throw new EventSchemaVersionError(
          `${event.type}: no upcaster from v${version} to v${version + 1} (recorded v${recorded}, current v${current})`,
        );
      }
      data = step(data);
    }
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: current } };
  }
}

/** The ledger's own chains. Empty while every type is at v1; add a step when a version is raised. */
export const ledgerUpcasters = new EventUpcasters({});

/** Raises an event read from the log to the ledger's current schema (see EventUpcasters.upcast). */
export function upcast<E extends VersionedEvent>(event: E): E {
  return ledgerUpcasters.upcast(event);
}
