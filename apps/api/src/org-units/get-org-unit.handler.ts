import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DomainError, orgUnitDecider, streams } from '@tongxin/domain';
import { CommandExecutor } from '../ledger/command-executor';
import { ReadSide } from '../ledger/read-side';
import type { Principal } from '../auth/principal';
import { requireScope } from '../auth/access';

export interface OrgUnitView {
  id: string; name: string; level: string; parentId: string | null; code: string | null;
  path: string[]; children: string[]; revision: number;
}

export class GetOrgUnitQuery extends Query<OrgUnitView> {
  constructor(readonly id: string, readonly principal: Principal, readonly minPosition?: number) {
    super();
  }
}

/** The unit itself comes from its stream (always current); its children from the read model. */
@QueryHandler(GetOrgUnitQuery)
export class GetOrgUnitHandler implements IQueryHandler<GetOrgUnitQuery> {
  constructor(private readonly executor: CommandExecutor, private readonly readSide: ReadSide) {}

  async execute({ id, principal, minPosition }: GetOrgUnitQuery): Promise<OrgUnitView> {
    await this.readSide.caughtUp(minPosition);
    const { state, revision } = await this.executor.load(streams.orgUnit(id), orgUnitDecider);
    requireScope(principal, state.exists ? state.orgPath : null);
    if (!state.exists) throw new DomainError('NOT_FOUND', `org unit ${id} does not exist`);
    return {
      id, name: state.name, level: state.level as string, parentId: state.parentId, code: state.code,
      path: state.orgPath, children: (await this.readSide.readModel.orgUnit(id))?.children ?? [], revision,
    };
  }
}
