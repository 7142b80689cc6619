import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Role } from '@tongxin/domain';
import type { Principal } from '../auth/principal';
import { CommandExecutor } from '../ledger/command-executor';

/** Who the caller is: its token's id and role, and the org unit its scope starts at (null: the whole ledger). */
export interface CallerView {
  tokenId: string;
  role: Role;
  orgUnit: { id: string; name: string; level: string; path: string[] } | null;
}

export class GetCallerQuery extends Query<CallerView> {
  constructor(readonly principal: Principal) {
    super();
  }
}

/** Read from the caller's own token, so it needs no scope check: a scope always contains its own root. */
@QueryHandler(GetCallerQuery)
export class GetCallerHandler implements IQueryHandler<GetCallerQuery> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ principal }: GetCallerQuery): Promise<CallerView> {
    const { tokenId, role, scopeOrgUnitId } = principal;
    if (scopeOrgUnitId === null) return { tokenId, role, orgUnit: null };
    const unit = await this.executor.orgUnit(scopeOrgUnitId);
    return { tokenId, role, orgUnit: { id: scopeOrgUnitId, name: unit.name, level: String(unit.level), path: unit.orgPath } };
  }
}
