import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DomainError, streams, volunteerDecider, type HourEntryState } from '@tongxin/domain';
import { CommandExecutor } from '../ledger/command-executor';
import { SEES_PHONES, SEES_VOLUNTEER_NAMES } from '../ledger/event-view';
import type { Principal } from '../auth/principal';
import { requireScope } from '../auth/access';

export interface VolunteerView {
  id: string; streamId: string; orgUnitId: string; path: string[]; /** Null when erased, or hidden from the caller's role. */
  name: string | null; phone: string | null;
  /** The person asked to be forgotten: name and phone are gone for good; the hours still count. */
  erased: boolean;
  revision: number; minutesLogged: number; minutesVerified: number; entries: HourEntryState[];
}

export class GetVolunteerQuery extends Query<VolunteerView> {
  constructor(readonly id: string, readonly principal: Principal) {
    super();
  }
}

@QueryHandler(GetVolunteerQuery)
export class GetVolunteerHandler implements IQueryHandler<GetVolunteerQuery> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, principal }: GetVolunteerQuery): Promise<VolunteerView> {
    const streamId = streams.volunteer(id);
    const { state, revision } = await this.executor.load(streamId, volunteerDecider);
    requireScope(principal, state.exists ? state.orgPath : null);
    if (!state.exists) throw new DomainError('NOT_FOUND', `volunteer ${id} does not exist`);
    return {
      id, streamId, orgUnitId: state.orgUnitId, path: state.orgPath,
      name: SEES_VOLUNTEER_NAMES.includes(principal.role) ? state.name : null,
      phone: SEES_PHONES.includes(principal.role) ? state.phone : null,
      erased: state.erased,
      revision,
      minutesLogged: state.minutesLogged, minutesVerified: state.minutesVerified, entries: [...state.entries.values()],
    };
  }
}
