import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streams, volunteerDecider, type EraseVolunteer } from '@tongxin/domain';
import { volunteerSubject, type SubjectKeyStore } from '@tongxin/privacy';
import { requireScope } from '../auth/access';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import { KEY_STORE } from '../ledger/tokens';

export class EraseVolunteerCommand extends Command<CommandResult> {
  constructor(readonly volunteerId: string, readonly reason: string, readonly ctx: CommandContext) {
    super();
  }
}

/**
 * Forgets a person (crypto-shredding): the key their name and phone were sealed with is destroyed, then
 * VolunteerErased is recorded. The events and every total stay; the name and phone are unreadable everywhere.
 * Key first: if the append then fails, a retry finds the volunteer not yet erased and completes it, whereas the
 * other order could leave a live key behind an "already erased" answer.
 */
@CommandHandler(EraseVolunteerCommand)
export class EraseVolunteerHandler implements ICommandHandler<EraseVolunteerCommand> {
  constructor(private readonly executor: CommandExecutor, @Inject(KEY_STORE) private readonly keys: SubjectKeyStore) {}

  async execute({ volunteerId, reason, ctx }: EraseVolunteerCommand): Promise<CommandResult> {
    return this.executor.execute({
      streamId: streams.volunteer(volunteerId), decider: volunteerDecider, ctx, id: volunteerId, status: 200,
      build: async (volunteer) => {
        requireScope(ctx.principal, volunteer.exists ? volunteer.orgPath : null);
        const command: EraseVolunteer = { type: 'EraseVolunteer', data: { volunteerId, reason } };
        // Decided before anything is destroyed: unknown, already erased or a bad reason refuse here.
        volunteerDecider.decide(command, volunteer);
        await this.keys.destroy(volunteerSubject(volunteerId));
        return command;
      },
    });
  }
}
