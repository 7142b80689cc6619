import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { activityDecider, streams } from '@tongxin/domain';
import type { Principal } from '../auth/principal';
import { Scope } from '../auth/scope';
import { resolveFilter } from '../stats/stats.handlers';
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
    // 1. The filters checked as for the totals: `to` not before `from`, a scoped caller lists its own subtree, a named
    //    unit or campaign exists (422); then read-your-writes.
    const filter = await resolveFilter(params, principal, this.readSide, this.scope);
    // 2. The page from the read model.
    const cursor = params.before === undefined ? undefined : ACTIVITY_CURSOR.exec(params.before);
    const page = await this.readSide.readModel.recentActivities({
      orgUnitId: filter.orgUnitId, campaignId: filter.campaignId, from: filter.from, to: filter.to, asOf: filter.asOf,
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
