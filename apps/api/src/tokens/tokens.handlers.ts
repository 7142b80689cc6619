import { Inject } from '@nestjs/common';
import { Command, CommandHandler, IQueryHandler, Query, QueryHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newTokenSecret, type StoredToken, type TokenVault } from '@tongxin/access';
import { DomainError, streams, tokenDecider, type Role } from '@tongxin/domain';
import { forbidden, inScope, requireScope } from '../auth/access';
import type { Principal } from '../auth/principal';
import { Scope } from '../auth/scope';
import { TOKEN_VAULT } from '../auth/vault';
import { newId } from '../http/ids';
import type { CommandContext } from '../ledger/command-context';
import { CommandExecutor } from '../ledger/command-executor';

/** CONTRACT §6: an organiser may issue (and take back) recorder and analyst tokens inside its scope only. */
const ISSUABLE_BY: Record<Role, readonly Role[]> = {
  admin: ['admin', 'organiser', 'recorder', 'analyst'],
  organiser: ['recorder', 'analyst'],
  recorder: [],
  analyst: [],
};

function requireMayManage(principal: Principal, role: Role): void {
  if (!ISSUABLE_BY[principal.role].includes(role)) {
    throw forbidden(`The ${principal.role} role may not issue or revoke ${role} tokens.`);
  }
}

export interface IssuedToken {
  id: string;
  /** The secret, shown this once; null when an Idempotency-Key replay answers (the secret is not kept). */
  token: string | null;
  name: string; role: Role; orgUnitId: string | null;
  streamId: string; revision: number; position: number;
}

export class IssueTokenCommand extends Command<{ status: number; body: IssuedToken; replayed?: boolean }> {
  /** `orgUnitId` null: an admin over the whole ledger, which only the CLI issues. */
  constructor(readonly body: { id?: string; name: string; role: Role; orgUnitId: string | null }, readonly ctx: CommandContext) {
    super();
  }
}

/**
 * Records TokenIssued (who got which role where; never the secret) and then puts the secret's hash in the vault.
 * If the vault write fails after the event, the token simply never works: the event names a token nobody holds.
 */
@CommandHandler(IssueTokenCommand)
export class IssueTokenHandler implements ICommandHandler<IssueTokenCommand> {
  constructor(private readonly executor: CommandExecutor, @Inject(TOKEN_VAULT) private readonly vault: TokenVault) {}

  async execute({ body, ctx }: IssueTokenCommand): Promise<{ status: number; body: IssuedToken; replayed?: boolean }> {
    requireMayManage(ctx.principal, body.role);
    const id = body.id ?? newId();
    const { orgUnitId } = body;
    const result = await this.executor.execute({
      streamId: streams.token(id), decider: tokenDecider, ctx, id, status: 201,
      build: async () => {
        const orgUnit = orgUnitId === null ? null : await this.executor.orgUnit(orgUnitId);
        requireScope(ctx.principal, orgUnit?.exists ? orgUnit.orgPath : null);
        return { type: 'IssueToken' as const, data: { tokenId: id, name: body.name, role: body.role, orgUnitId }, orgUnit };
      },
    });
    const issued = { ...result.body, name: body.name, role: body.role, orgUnitId };
    if (result.replayed) return { status: result.status, replayed: true, body: { ...issued, token: null } };
    const secret = newTokenSecret();
    await this.vault.add({ id, name: body.name, role: body.role, orgUnitId, createdAt: new Date().toISOString(), createdBy: ctx.principal.tokenId }, secret);
    return { status: 201, body: { ...issued, token: secret } };
  }
}

export class RevokeTokenCommand extends Command<void> {
  constructor(readonly id: string, readonly reason: string | null, readonly ctx: CommandContext) {
    super();
  }
}

/** The vault first, so the token stops working at once whatever happens next; then TokenRevoked, for the audit. */
@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand> {
  constructor(private readonly executor: CommandExecutor, @Inject(TOKEN_VAULT) private readonly vault: TokenVault) {}

  async execute({ id, reason, ctx }: RevokeTokenCommand): Promise<void> {
    const { state } = await this.executor.load(streams.token(id), tokenDecider);
    requireScope(ctx.principal, state.exists ? state.orgPath : null);
    if (!state.exists || state.role === null) throw new DomainError('NOT_FOUND', `token ${id} does not exist`);
    requireMayManage(ctx.principal, state.role);
    await this.vault.revoke(id, ctx.principal.tokenId, new Date().toISOString());
    await this.executor.execute({
      streamId: streams.token(id), decider: tokenDecider, ctx, id, status: 200,
      build: () => ({ type: 'RevokeToken' as const, data: { tokenId: id, reason } }),
    });
  }
}

export class ListTokensQuery extends Query<{ tokens: StoredToken[] }> {
  constructor(readonly principal: Principal) {
    super();
  }
}

/** The vault's tokens (never a secret or its hash) that lie in the caller's scope, revoked ones included. */
@QueryHandler(ListTokensQuery)
export class ListTokensHandler implements IQueryHandler<ListTokensQuery> {
  constructor(@Inject(TOKEN_VAULT) private readonly vault: TokenVault, private readonly scope: Scope) {}

  async execute({ principal }: ListTokensQuery): Promise<{ tokens: StoredToken[] }> {
    const tokens: StoredToken[] = [];
    for (const token of await this.vault.list()) {
      const path = token.orgUnitId === null ? null : await this.scope.pathOf(token.orgUnitId);
      if (inScope(principal, path)) tokens.push(token);
    }
    return { tokens };
  }
}
