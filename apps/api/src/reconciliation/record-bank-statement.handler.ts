import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider, reconciliationDecider, streams, type RecordBankStatement } from '@tongxin/domain';
import { requireScope } from '../auth/access';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';

export class RecordBankStatementCommand extends Command<CommandResult> {
  constructor(readonly statement: RecordBankStatement['data'], readonly ctx: CommandContext) {
    super();
  }
}

/** The statement on its campaign's reconciliation stream; the same file again records nothing. */
@CommandHandler(RecordBankStatementCommand)
export class RecordBankStatementHandler implements ICommandHandler<RecordBankStatementCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ statement, ctx }: RecordBankStatementCommand): Promise<CommandResult> {
    return this.executor.execute({
      streamId: streams.reconciliation(statement.campaignId), decider: reconciliationDecider, ctx,
      id: statement.statementId, status: 201,
      build: async () => {
        const campaign = await this.executor.current(streams.campaign(statement.campaignId), campaignDecider);
        requireScope(ctx.principal, campaign.exists ? campaign.orgPath : null);
        return { type: 'RecordBankStatement' as const, data: statement, campaign };
      },
    });
  }
}
