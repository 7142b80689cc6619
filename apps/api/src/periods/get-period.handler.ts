import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { periodDecider, streams, type PeriodLocked } from '@tongxin/domain';
import { CommandExecutor } from '../ledger/command-executor';
import { ReadSide } from '../ledger/read-side';
import type { Principal } from '../auth/principal';
import { Scope } from '../auth/scope';

export interface PeriodLockView {
  orgUnitId: string; orgPath: string[]; reason: string | null;
  /** When the lock was recorded. */
  lockedAt: string;
  /** Who locked it (the token id). */
  actor: string;
  position: number;
}

export interface PeriodView {
  month: string; streamId: string;
  /** The period stream's revision, -1 while the month holds no lock. */
  revision: number;
  locks: PeriodLockView[];
}

export class GetPeriodQuery extends Query<PeriodView> {
  constructor(readonly month: string, readonly principal: Principal, readonly minPosition?: number) {
    super();
  }
}

/** Read from the month's own stream, so a lock is listed the moment it is answered; a month never locked lists none. */
@QueryHandler(GetPeriodQuery)
export class GetPeriodHandler implements IQueryHandler<GetPeriodQuery> {
  constructor(private readonly executor: CommandExecutor, private readonly readSide: ReadSide, private readonly scope: Scope) {}

  async execute({ month, principal, minPosition }: GetPeriodQuery): Promise<PeriodView> {
    await this.readSide.caughtUp(minPosition);
    const streamId = streams.period(month);
    const { events, revision } = await this.executor.load(streamId, periodDecider);
    const locks = events.filter((event) => event.type === 'PeriodLocked').map((event) => {
      const data = event.data as PeriodLocked['data'];
      return {
        orgUnitId: data.orgUnitId, orgPath: data.orgPath, reason: data.reason,
        lockedAt: event.recordedAt, actor: String(event.metadata.actor ?? ''), position: event.position,
      };
    });
    // A scoped caller sees the locks that bear on its subtree: those inside it and those of its ancestors.
    const root = principal.scopeOrgUnitId;
    const rootPath = root === null ? null : await this.scope.pathOf(root);
    const visible = root === null ? locks : locks.filter((lock) => lock.orgPath.includes(root) || (rootPath?.includes(lock.orgUnitId) ?? false));
    return { month, streamId, revision, locks: visible };
  }
}
