import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider, ledgerToday, streams } from '@tongxin/domain';
import { newId } from '../http/ids';
import type { CommandContext, CommandResult } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';
import type { ReceiveDonationDto } from './donation.dto';
import { scoped } from '../auth/access';

/** Unique key claiming a donation id ledger-wide; it also leads refunds to the donation's campaign stream. */
export const donationKey = (id: string) => `donation:${id}`;
export const disbursementKey = (id: string) => `disbursement:${id}`;

export class ReceiveDonationCommand extends Command<CommandResult> {
  constructor(readonly body: ReceiveDonationDto, readonly ctx: CommandContext) {
    super();
  }
}

/** A donation is decided on its campaign's stream: the consistency boundary of the campaign's money. */
@CommandHandler(ReceiveDonationCommand)
export class ReceiveDonationHandler implements ICommandHandler<ReceiveDonationCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ body, ctx }: ReceiveDonationCommand): Promise<CommandResult> {
    const id = body.id ?? newId();
    return this.executor.execute({
      streamId: streams.campaign(body.campaignId), decider: campaignDecider, ctx, id, status: 201,
      uniqueKeys: [donationKey(id)],
      build: async (_state, reads) => ({
        type: 'ReceiveDonation' as const,
        today: ledgerToday(new Date()),
        data: {
          donationId: id, campaignId: body.campaignId, orgUnitId: body.orgUnitId,
          donor: { name: body.donor.name, kind: body.donor.kind, anonymous: body.donor.anonymous ?? false },
          kind: body.kind, amount: body.amount, receivedOn: body.receivedOn, method: body.method ?? null,
          reference: body.reference ?? null,
          items: (body.items ?? []).map((i) => ({
            description: i.description, quantity: i.quantity, unit: i.unit, ...(i.value === undefined ? {} : { value: i.value }),
          })),
        },
        orgUnit: scoped(ctx.principal, await this.executor.orgUnit(body.orgUnitId)),
        period: await reads.periodOf(body.receivedOn),
      }),
    });
  }
}
