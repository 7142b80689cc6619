import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { activityDecider, DomainError, ledgerToday, streams, volunteerDecider } from '@tongxin/domain';
import { newId } from '../http/ids';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { LogHoursDto } from './volunteer.dto';
import { requireScope } from '../auth/access';

export class LogHoursCommand extends Command<CommandResult> {
  constructor(readonly volunteerId: string, readonly body: LogHoursDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(LogHoursCommand)
export class LogHoursHandler implements ICommandHandler<LogHoursCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ volunteerId, body, ctx }: LogHoursCommand): Promise<CommandResult> {
    const entryId = body.entryId ?? newId();
    return this.executor.execute({
      streamId: streams.volunteer(volunteerId), decider: volunteerDecider, ctx, id: entryId, status: 201,
      build: async (volunteer, reads) => {
        requireScope(ctx.principal, volunteer.exists ? volunteer.orgPath : null);
        if (!volunteer.exists) throw new DomainError('NOT_FOUND', `volunteer ${volunteerId} does not exist`);
        const activity = body.activityId ? (await this.executor.load(streams.activity(body.activityId), activityDecider)).state : null;
        // The entry counts under its activity's unit, so that unit must lie in scope too.
        if (activity) requireScope(ctx.principal, activity.exists ? activity.orgPath : null);
        return {
          type: 'LogHours' as const,
          today: ledgerToday(new Date()),
          data: {
            volunteerId, entryId, activityId: body.activityId ?? null, servedOn: body.servedOn,
            minutes: body.minutes, description: body.description ?? null,
          },
          activity,
          period: await reads.periodOf(body.servedOn),
        };
      },
    });
  }
}
