import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { Command, Option } from 'commander';
import { ROLES, type Role } from '@tongxin/domain';
import { randomUUID } from 'node:crypto';
import { loadConfig, type LedgerConfig } from '../../api/src/config/config';
import type { Principal } from '../../api/src/auth/principal';
import { ID_PATTERN } from '../../api/src/http/validators';
import type { CommandContext } from '../../api/src/ledger/command-context';
import { LedgerModule } from '../../api/src/ledger/ledger.module';
import { TokensModule } from '../../api/src/tokens/tokens.module';
import { IssueTokenCommand, ListTokensQuery, RevokeTokenCommand, type IssuedToken } from '../../api/src/tokens/tokens.handlers';
import type { StoredToken } from '@tongxin/access';
import { STORE_HELP } from './read-model-commands';
import { formatTable } from './stats-table';

/**
 * Whoever runs the CLI holds the database files, so acts as an admin over the whole ledger; its events name it
 * `cli` as their actor.
 */
const CLI_PRINCIPAL: Principal = { tokenId: 'cli', role: 'admin', scopeOrgUnitId: null };

@Module({})
class TokensCliModule {
  static register(config: LedgerConfig): DynamicModule {
    // This process only writes: another (the API or the worker) keeps the read models.
    const ledger: LedgerConfig = { ...config, projections: 'off' };
    return { module: TokensCliModule, imports: [CqrsModule.forRoot(), LedgerModule.register(ledger), TokensModule.register(ledger)] };
  }
}

async function withTokens<T>(store: string | undefined, work: (buses: { commands: CommandBus; queries: QueryBus }) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, store ? { storeUrl: store } : {});
  const app = await NestFactory.createApplicationContext(TokensCliModule.register(config), { logger: false });
  try {
    return await work({ commands: app.get(CommandBus), queries: app.get(QueryBus) });
  } finally {
    await app.close();
  }
}

function context(): CommandContext {
  const commandId = randomUUID();
  return { principal: CLI_PRINCIPAL, commandId, correlationId: commandId };
}

function id(label: string) {
  return (value: string): string => {
    if (!ID_PATTERN.test(value)) throw new Error(`${label} must match ${ID_PATTERN.source}`);
    return value;
  };
}

/** `tokens create|list|revoke`: the first admin's token, and tokens for scripts, without the API running. */
export function addTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('issue, list and revoke access tokens (CONTRACT §6); secrets are shown once, only their hash is kept');

  tokens.command('create')
    .description('issue a token; prints its secret once on stdout')
    .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
    .requiredOption('--name <name>', 'who or what holds it, e.g. "县级组织者 李明"')
    .option('--org-unit <id>', 'the org unit it is bound to (with everything under it); an admin without one covers the whole ledger', id('org unit id'))
    .option('--id <id>', 'the token id (made up when absent)', id('token id'))
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print { id, token, … } as JSON')
    .action(async (options: { role: Role; name: string; orgUnit?: string; id?: string; store?: string; json?: boolean }) => {
      if (options.name.length < 1 || options.name.length > 200) throw new Error('--name must be 1–200 characters');
      const issued = await withTokens(options.store, async ({ commands }) => (await commands.execute(new IssueTokenCommand(
        { id: options.id, name: options.name, role: options.role, orgUnitId: options.orgUnit ?? null }, context(),
      ))).body as IssuedToken);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(issued)}\n`);
      } else {
        process.stderr.write(`issued ${issued.role} token ${issued.id} (${issued.name}) over ${issued.orgUnitId ?? 'the whole ledger'}; the secret is shown this once:\n`);
        process.stdout.write(`${issued.token}\n`);
      }
    });

  tokens.command('list')
    .description('every token (never a secret), revoked ones included')
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print JSON')
    .action(async (options: { store?: string; json?: boolean }) => {
      const { tokens: list } = await withTokens(options.store, ({ queries }) => queries.execute(new ListTokensQuery(CLI_PRINCIPAL)) as Promise<{ tokens: StoredToken[] }>);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ tokens: list })}\n`);
        return;
      }
      const rows = list.map((t) => [t.id, t.name, t.role, t.orgUnitId ?? '(all)', t.createdAt, t.createdBy, t.revokedAt ?? '']);
      process.stdout.write(formatTable(['id', 'name', 'role', 'org unit', 'created', 'by', 'revoked'], rows, rows[0]?.map(() => false) ?? Array(7).fill(false)));
    });

  tokens.command('revoke')
    .description('revoke a token: it stops working on the next request')
    .argument('<id>', 'the token id', id('token id'))
    .option('--reason <text>', 'why, for the audit')
    .option('--store <url>', STORE_HELP)
    .action(async (tokenId: string, options: { reason?: string; store?: string }) => {
      await withTokens(options.store, ({ commands }) => commands.execute(new RevokeTokenCommand(tokenId, options.reason ?? null, context())));
      process.stderr.write(`revoked token ${tokenId}\n`);
    });
}
