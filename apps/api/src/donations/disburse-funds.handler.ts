import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { activityDecider, campaignDecider, ledgerToday, streams } from '@tongxin/domain';
import { newId } from '../http/ids';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { DisburseFundsDto } from './donation.dto';
import { disbursementKey } from './receive-donation.handler';
import { scoped } from '../auth/access';

export class DisburseFundsCommand extends Command<CommandResult> {
  constructor(readonly body: DisburseFundsDto, readonly ctx: CommandContext) {
    super();
  }
}

/** Decided on the campaign's stream, so two disbursements can never both spend the same balance. */
@CommandHandler(DisburseFundsCommand)
export class DisburseFundsHandler implements ICommandHandler<DisburseFundsCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ body, ctx }: DisburseFundsCommand): Promise<CommandResult> {
    const id = body.id ?? newId();
    return this.executor.execute({
      streamId: streams.campaign(body.campaignId), decider: campaignDecider, ctx, id, status: 201,
      uniqueKeys: [disbursementKey(id)],
      build: async (_state, reads) => ({
        type: 'DisburseFunds' as const,
        today: ledgerToday(new Date()),
        data: {
          disbursementId: id, campaignId: body.campaignId, orgUnitId: body.orgUnitId, amount: body.amount,
          purpose: body.purpose, paidOn: body.paidOn, beneficiaries: body.beneficiaries ?? 0, activityId: body.activityId ?? null,
        },
        orgUnit: scoped(ctx.principal, await this.executor.orgUnit(body.orgUnitId)),
        activity: body.activityId ? scoped(ctx.principal, await this.executor.current(streams.activity(body.activityId), activityDecider)) : null,
        period: await reads.periodOf(body.paidOn),
      }),
    });
  }
}
