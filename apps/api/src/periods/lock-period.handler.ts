import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ledgerToday, periodDecider, streams } from '@tongxin/domain';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { LockPeriodDto } from './period.dto';
import { requireAccess } from '../auth/access';

/** Only organisers and admins close a month, each inside its own scope. */
export const MAY_LOCK_PERIODS = ['admin', 'organiser'] as const;

export class LockPeriodCommand extends Command<CommandResult> {
  constructor(readonly month: string, readonly body: LockPeriodDto, readonly ctx: CommandContext) {
    super();
  }
}

/** Every lock of a month lands on that month's one stream, so two locks of it are decided in turn. */
@CommandHandler(LockPeriodCommand)
export class LockPeriodHandler implements ICommandHandler<LockPeriodCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ month, body, ctx }: LockPeriodCommand): Promise<CommandResult> {
    const orgUnit = await this.executor.orgUnit(body.orgUnitId);
    requireAccess(ctx.principal, MAY_LOCK_PERIODS, orgUnit.exists ? orgUnit.orgPath : null);
    return this.executor.execute({
      streamId: streams.period(month), decider: periodDecider, ctx, id: month, status: 201,
      build: () => ({
        type: 'LockPeriod' as const,
        today: ledgerToday(new Date()),
        data: { month, orgUnitId: body.orgUnitId, reason: body.reason ?? null },
        orgUnit,
      }),
    });
  }
}
