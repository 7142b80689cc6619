import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streams, volunteerDecider, type PeriodState, type VolunteerState } from '@tongxin/domain';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor, type CommandReads } from '../ledger/command-executor';
import { requireScope } from '../auth/access';

/**
 * An organiser's review of one hour entry: verify it, or reject it with a reason. A verification inside
 * a locked month must carry a reason too (it changes that month's verified figures).
 */
export class ReviewHoursCommand extends Command<CommandResult> {
  constructor(
    readonly volunteerId: string,
    readonly entryId: string,
    readonly decision: { verify: true; reason: string | null } | { verify: false; reason: string },
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReviewHoursCommand)
export class ReviewHoursHandler implements ICommandHandler<ReviewHoursCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ volunteerId, entryId, decision, ctx }: ReviewHoursCommand): Promise<CommandResult> {
    return this.executor.execute({
      streamId: streams.volunteer(volunteerId), decider: volunteerDecider, ctx, id: entryId, status: 200,
      build: async (volunteer, reads) => {
        requireScope(ctx.principal, volunteer.exists ? volunteer.orgPath : null);
        // The entry counts under its activity's unit: deciding on it changes that unit's figures, so it must lie in scope too.
        const entry = volunteer.entries.get(entryId);
        if (entry) requireScope(ctx.principal, entry.orgPath);
        return decision.verify
          ? { type: 'VerifyHours' as const, data: { volunteerId, entryId, reason: decision.reason }, period: await periodOf(volunteer, entryId, reads) }
          : { type: 'RejectHours' as const, data: { volunteerId, entryId, reason: decision.reason } };
      },
    });
  }
}

/** The lock state of the month the entry was served in; null when there is no such entry. */
async function periodOf(volunteer: VolunteerState, entryId: string, reads: CommandReads): Promise<PeriodState | null> {
  const entry = volunteer.entries.get(entryId);
  return entry ? reads.periodOf(entry.servedOn) : null;
}
