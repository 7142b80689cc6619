import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orgUnitDecider, streams } from '@tongxin/domain';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import { newId } from '../http/ids';
import type { RegisterOrgUnitDto } from './org-unit.dto';
import { requireScope } from '../auth/access';

export class RegisterOrgUnitCommand extends Command<CommandResult> {
  constructor(readonly body: RegisterOrgUnitDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(RegisterOrgUnitCommand)
export class RegisterOrgUnitHandler implements ICommandHandler<RegisterOrgUnitCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ body, ctx }: RegisterOrgUnitCommand): Promise<CommandResult> {
    const id = body.id ?? newId();
    return this.executor.execute({
      streamId: streams.orgUnit(id), decider: orgUnitDecider, ctx, id, status: 201,
      build: async () => {
        const parent = body.parentId ? await this.executor.orgUnit(body.parentId) : null;
        // The new unit's place: under its parent (a root when there is none, which only an unscoped admin may add).
        requireScope(ctx.principal, parent === null ? [id] : parent.exists ? [...parent.orgPath, id] : null);
        return {
          type: 'RegisterOrgUnit' as const,
          data: { orgUnitId: id, name: body.name, level: body.level, parentId: body.parentId ?? null, code: body.code ?? null },
          parent,
        };
      },
    });
  }
}
