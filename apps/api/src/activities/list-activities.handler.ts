import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { activityDecider, DomainError, streams } from '@tongxin/domain';
import type { Principal } from '../auth/principal';
import { badRequest } from '../http/problem';
import { Scope } from '../auth/scope';
import { CommandExecutor } from '../ledger/command-executor';
import { ReadSide } from '../ledger/read-side';
import { ACTIVITY_CURSOR, type ActivityListDto, type ActivityListItemDto, type ListActivitiesQueryDto } from './list-activities.dto';

export const DEFAULT_ACTIVITY_LIST_LIMIT = 20;

export class ListActivitiesQuery extends Query<ActivityListDto> {
  constructor(readonly params: ListActivitiesQueryDto, readonly principal: Principal) {
    super();
  }
}

/**
 * The activities under a unit, newest held first: ids, order and figures from the read model (voided ones are
 * gone, corrected ones current), titles from each activity's own stream (the read model keeps figures only).
 */
@QueryHandler(ListActivitiesQuery)
export class ListActivitiesHandler implements IQueryHandler<ListActivitiesQuery> {
  constructor(private readonly readSide: ReadSide, private readonly scope: Scope, private readonly executor: CommandExecutor) {}

  async execute({ params, principal }: ListActivitiesQuery): Promise<ActivityListDto> {
    // 1. As for totals: `to` not before `from`, a scoped caller lists its own subtree, a named unit or campaign exists (422).
    if (params.from && params.to && params.from > params.to) throw badRequest([{ path: 'to', message: 'to must not be before from' }]);
    const orgUnitId = await this.scope.readRoot(principal, params.orgUnitId);
    if (params.orgUnitId && !(await this.readSide.streamExists(streams.orgUnit(params.orgUnitId)))) {
      throw new DomainError('UNKNOWN_REFERENCE', `org unit ${params.orgUnitId} does not exist`, 'orgUnitId');
    }
    if (params.campaignId && !(await this.readSide.streamExists(streams.campaign(params.campaignId)))) {
      throw new DomainError('UNKNOWN_REFERENCE', `campaign ${params.campaignId} does not exist`, 'campaignId');
    }
    await this.readSide.caughtUp(params.minPosition === undefined ? undefined : Number(params.minPosition));
    // 2. The page from the read model.
    const cursor = params.before === undefined ? undefined : ACTIVITY_CURSOR.exec(params.before);
    const page = await this.readSide.readModel.recentActivities({
      orgUnitId, campaignId: params.campaignId, from: params.from, to: params.to,
      asOf: params.asOf === undefined ? undefined : new Date(params.asOf).toISOString(),
      limit: params.limit === undefined ? DEFAULT_ACTIVITY_LIST_LIMIT : Number(params.limit),
      before: cursor ? { occurredOn: cursor[1], recordedPosition: Number(cursor[2]) } : undefined,
    });
    // 3. Titles from the streams (recent states are cached, so a page costs short reads).
    const activities = await Promise.all(page.activities.map(async (row): Promise<ActivityListItemDto | null> => {
      const state = await this.executor.current(streams.activity(row.activityId), activityDecider);
      // Voided after the read model's snapshot: gone from the list as from the totals.
      if (state.voided && params.asOf === undefined) return null;
      const { activityId, ...facts } = row;
      return { id: activityId, ...facts, title: state.title };
    }));
    return {
      activities: activities.filter((item): item is ActivityListItemDto => item !== null),
      next: page.next ? `${page.next.occurredOn}_${page.next.recordedPosition}` : null,
      position: page.position,
    };
  }
}
