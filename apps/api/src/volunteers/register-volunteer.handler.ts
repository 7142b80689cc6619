import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streams, volunteerDecider } from '@tongxin/domain';
import { newId } from '../http/ids';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { RegisterVolunteerDto } from './volunteer.dto';
import { scoped } from '../auth/access';

export class RegisterVolunteerCommand extends Command<CommandResult> {
  constructor(readonly body: RegisterVolunteerDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(RegisterVolunteerCommand)
export class RegisterVolunteerHandler implements ICommandHandler<RegisterVolunteerCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ body, ctx }: RegisterVolunteerCommand): Promise<CommandResult> {
    const id = body.id ?? newId();
    return this.executor.execute({
      streamId: streams.volunteer(id), decider: volunteerDecider, ctx, id, status: 201,
      build: async () => ({
        type: 'RegisterVolunteer' as const,
        data: { volunteerId: id, orgUnitId: body.orgUnitId, name: body.name, phone: body.phone ?? null },
        orgUnit: scoped(ctx.principal, await this.executor.orgUnit(body.orgUnitId)),
      }),
    });
  }
}
