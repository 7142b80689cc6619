import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { activityDecider, DomainError, streams, type ActivityState } from '@tongxin/domain';
import { CommandExecutor } from '../ledger/command-executor';
import { toEventView, type EventView } from '../ledger/event-view';
import type { Principal } from '../auth/principal';
import { requireScope } from '../auth/access';

export type ActivityView = Omit<ActivityState, 'exists' | 'activityId'> & {
  id: string; streamId: string; revision: number; history: EventView[];
};

export class GetActivityQuery extends Query<ActivityView> {
  constructor(readonly id: string, readonly principal: Principal) {
    super();
  }
}

/** Folded from the activity's own stream, so it is current the moment a write is answered. */
@QueryHandler(GetActivityQuery)
export class GetActivityHandler implements IQueryHandler<GetActivityQuery> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, principal }: GetActivityQuery): Promise<ActivityView> {
    const streamId = streams.activity(id);
    const { state, revision, events } = await this.executor.load(streamId, activityDecider);
    requireScope(principal, state.exists ? state.orgPath : null);
    if (!state.exists) throw new DomainError('NOT_FOUND', `activity ${id} does not exist`);
    const { exists: _exists, activityId: _activityId, ...facts } = state;
    return { id, streamId, ...facts, revision, history: events.map((event) => toEventView(event, principal.role)) };
  }
}
