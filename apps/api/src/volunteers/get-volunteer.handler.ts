import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DomainError, streams, volunteerDecider, type HourEntryState } from '@tongxin/domain';
import { CommandExecutor } from '../ledger/command-executor';

export interface VolunteerView {
  id: string; streamId: string; orgUnitId: string; path: string[]; name: string; phone: string | null;
  revision: number; minutesLogged: number; minutesVerified: number; entries: HourEntryState[];
}

export class GetVolunteerQuery extends Query<VolunteerView> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(GetVolunteerQuery)
export class GetVolunteerHandler implements IQueryHandler<GetVolunteerQuery> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id }: GetVolunteerQuery): Promise<VolunteerView> {
    const streamId = streams.volunteer(id);
    const { state, revision } = await this.executor.load(streamId, volunteerDecider);
    if (!state.exists) throw new DomainError('NOT_FOUND', `volunteer ${id} does not exist`);
    return {
      id, streamId, orgUnitId: state.orgUnitId, path: state.orgPath, name: state.name, phone: state.phone, revision,
      minutesLogged: state.minutesLogged, minutesVerified: state.minutesVerified, entries: Object.values(state.entries),
    };
  }
}
