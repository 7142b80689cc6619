import { Inject, Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import {
  EVENT_SCHEMA_VERSIONS, monthOf, orgUnitDecider, periodDecider, streams, upcast, type Decider, type IsoDate, type LedgerEvent,
  type LedgerEventType, type OrgUnitState, type PeriodState,
} from '@tongxin/domain';
import {
  IdempotencyKeyReusedError, NO_STREAM, WrongExpectedRevisionError, type EventStore, type NewEvent, type RecordedEvent,
  type StreamCondition,
} from '@tongxin/event-store';
import { earlierRecord, replayedResult, type CommandContext, type CommandResult } from './command-context';
import { ContentionError, PreconditionFailedError } from './errors';
import { evictOldest } from './bounded-map';
import { KeyedLock } from './keyed-lock';
import { StreamStates, type Folder, type StreamState } from './stream-states';
import { LedgerAppended } from './ledger-appended.event';
import { EVENT_STORE, RAW_EVENT_STORE } from './tokens';

const MAX_ATTEMPTS = 8;
/** China has ~700,000 villages and communities; a process rarely touches more than a fraction. */
const MAX_CACHED_ORG_UNITS = 200_000;

export interface Folded<S> {
  state: S;
  /** Last revision, -1 when the stream does not exist. */
  revision: number;
  events: RecordedEvent[];
}

export interface CommandSpec<C, E extends LedgerEvent, S> {
  streamId: string;
  decider: Decider<C, E, S>;
  ctx: CommandContext;
  /** The entity the response names (`id` of the command response). */
  id: string;
  status: 201 | 200;
  /** Builds the command from the current state, resolving references; runs again on each retry. */
  build: (state: S, reads: CommandReads) => C | Promise<C>;
  uniqueKeys?: string[];
}

/**
 * Reads of other streams that a decision must not outlive, made through this while building a command: the
 * append then lands only if those streams still stand where they were read, and otherwise the command is decided
 * again. One per attempt.
 */
export class CommandReads {
  readonly conditions: StreamCondition[] = [];

  constructor(private readonly executor: CommandExecutor) {}

  /** The locks of the month `date` lies in: a fact is never appended after a lock of its month that it did not see. */
  async periodOf(date: IsoDate): Promise<PeriodState> {
    const { state, revision, streamId } = await this.executor.period(monthOf(date));
    this.conditions.push({ streamId, revision });
    return state;
  }
}

/** Months whose lock state a process keeps: a few years of months, at a handful of locks each. */
const MAX_CACHED_PERIODS = 120;

/**
 * The one way a command reaches the log: read the stream, fold, decide, append with the expected
 * revision; on a concurrent change decide again (bounded), unless the caller pinned a revision.
 */
@Injectable()
export class CommandExecutor {
  private readonly streamLocks = new KeyedLock();
  private readonly orgUnits = new Map<string, OrgUnitState>();
  /**
   * Period streams as last read, months without a lock included (revision -1). Possibly stale on purpose: every
   * fact appends on the condition that its month's stream is still at the revision read here, so a lock recorded
   * meanwhile (by any process) fails the append, the entry is dropped, and the command is decided again on a fresh
   * read. Most facts thus pay no read for their month's locks.
   */
  private readonly periods = new Map<string, { state: PeriodState; revision: number; streamId: string }>();
  private readonly states: StreamStates;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly eventBus: EventBus,
    /**
     * The log as stored, personal data sealed: kept states are folded from it, since no decision reads a personal
     * field, and opening every event of a long stream on a first read cost ~70 µs an event (7 s for a city campaign).
     */
    @Inject(RAW_EVENT_STORE) rawStore: EventStore,
  ) {
    this.states = new StreamStates(rawStore);
  }

  /**
   * An org unit's state. Units are immutable once registered (one event, never corrected), so a unit
   * that exists is cached for good; one that does not is read again next time.
   */
  async orgUnit(id: string): Promise<OrgUnitState> {
    const cached = this.orgUnits.get(id);
    if (cached) return cached;
    const { state } = await this.states.current(streams.orgUnit(id), orgUnitDecider);
    if (state.exists) {
      this.orgUnits.set(id, state);
      evictOldest(this.orgUnits, MAX_CACHED_ORG_UNITS);
    }
    return state;
  }

  /** A month's period locks and the revision they were read at (see `periods`). */
  async period(month: string): Promise<{ state: PeriodState; revision: number; streamId: string }> {
    const cached = this.periods.get(month);
    if (cached) return cached;
    const streamId = streams.period(month);
    const { state, revision } = await this.load(streamId, periodDecider);
    if (this.periods.size >= MAX_CACHED_PERIODS) this.periods.delete(this.periods.keys().next().value as string);
    const read = { state, revision, streamId };
    this.periods.set(month, read);
    return read;
  }

  /** A stream's last revision, -1 when it does not exist: whether an entity was ever recorded, without reading it. */
  streamRevision(streamId: string): Promise<number> {
    return this.store.streamRevision(streamId);
  }

  /**
   * A stream's folded state for a decision about another stream (a campaign an activity names): from the cache of
   * recent states, reading only the events after it, so a campaign with years of donations costs one short read.
   */
  async current<S>(streamId: string, folder: Folder<S>): Promise<S> {
    return (await this.states.current(streamId, folder)).state;
  }

  /**
   * As `current`, with the revision and position the state stands at: for queries of long streams (a campaign, a
   * volunteer), which then cost a read of the events since the last request, not a fold of the stream.
   */
  kept<S>(streamId: string, folder: Folder<S>): Promise<StreamState<S>> {
    return this.states.current(streamId, folder);
  }

  /** The whole stream, read and folded on every call: for short streams whose events a caller shows (an activity's history). */
  async load<S>(streamId: string, decider: Folder<S>): Promise<Folded<S>> {
    // Current shapes only, for `evolve` and for callers that read `events`.
    const events = (await this.store.readStream(streamId)).map(upcast);
    let state = decider.initialState();
    for (const { type, data, revision, position } of events) state = decider.evolve(state, { type, data } as LedgerEvent, { revision, position });
    return { state, revision: events.length - 1, events };
  }

  async execute<C, E extends LedgerEvent, S>(spec: CommandSpec<C, E, S>): Promise<CommandResult> {
    return this.streamLocks.run(spec.streamId, () => this.decideAndAppend(spec));
  }

  private async decideAndAppend<C, E extends LedgerEvent, S>(spec: CommandSpec<C, E, S>): Promise<CommandResult> {
    const { ctx } = spec;
    // A retry that queued behind its own first attempt must get that answer back, not a decision
    // against the state the first attempt created (which would say "already exists").
    const earlier = ctx.idempotency && (await earlierRecord(this.store, ctx.idempotency));
    if (earlier && ctx.idempotency) {
      if (earlier.fingerprint !== ctx.idempotency.fingerprint) throw new IdempotencyKeyReusedError(ctx.idempotency.key);
      return replayedResult(earlier.result, earlier.response);
    }
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await this.states.current<S>(spec.streamId, spec.decider);
      const { state, revision } = current;
      if (ctx.ifMatch !== undefined && ctx.ifMatch !== revision) {
        throw new PreconditionFailedError(spec.streamId, ctx.ifMatch, revision);
      }
      const reads = new CommandReads(this);
      const decided = spec.decider.decide(await spec.build(state, reads), state);
      if (decided.length === 0) {
        // Nothing to change (e.g. verifying a verified entry): answer with where the stream stands.
        return { status: spec.status, body: { id: spec.id, streamId: spec.streamId, revision, position: current.position } };
      }
      try {
        const result = await this.store.appendToStream(spec.streamId, decided.map((e) => this.toNewEvent(e, state, ctx)), {
          expectedRevision: revision < 0 ? NO_STREAM : revision,
          idempotency: ctx.idempotency && { ...ctx.idempotency, response: { status: spec.status, id: spec.id } },
          uniqueKeys: spec.uniqueKeys,
          conditions: reads.conditions,
        });
        if (result.replayed) return replayedResult(result, result.response ?? {});
        this.states.appended(spec.streamId, spec.decider, current, decided, result.revision, result.position);
        this.forgetPeriod(spec.streamId);
        this.eventBus.publish(new LedgerAppended(result.position));
        return { status: spec.status, body: { id: spec.id, streamId: result.streamId, revision: result.revision, position: result.position } };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // Another stream the decision read has moved: decide again; If-Match concerns this stream only.
        if (error.streamId !== spec.streamId) {
          this.forgetPeriod(error.streamId);
          continue;
        }
        if (ctx.ifMatch !== undefined) throw new PreconditionFailedError(spec.streamId, ctx.ifMatch, error.actual);
      }
    }
    throw new ContentionError(spec.streamId);
  }

  /** A period stream this process wrote, or found moved: read it afresh next time. */
  private forgetPeriod(streamId: string): void {
    const prefix = streams.period('');
    if (streamId.startsWith(prefix)) this.periods.delete(streamId.slice(prefix.length));
  }

  private toNewEvent(event: LedgerEvent, state: unknown, ctx: CommandContext): NewEvent {
    const data = event.data as Record<string, unknown>;
    const orgUnitId = typeof data.orgUnitId === 'string' ? data.orgUnitId : (state as { orgUnitId?: string }).orgUnitId;
    return {
      type: event.type,
      data,
      metadata: {
        actor: ctx.principal.tokenId,
        commandId: ctx.commandId,
        correlationId: ctx.correlationId,
        orgUnitId: orgUnitId ?? '',
        schemaVersion: EVENT_SCHEMA_VERSIONS[event.type as LedgerEventType] ?? 1,
      },
    };
  }
}
