import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openTokenVault, type TokenVault } from '@tongxin/access';
import { Scope } from '../auth/scope';
import { TOKEN_VAULT } from '../auth/vault';
import type { LedgerConfig } from '../config/config';
import { GetCallerHandler } from './get-caller.handler';
import { IssueTokenHandler, ListTokensHandler, RevokeTokenHandler } from './tokens.handlers';

/** The vault closes with the application. */
class VaultLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TOKEN_VAULT) private readonly vault: TokenVault) {}

  async onApplicationShutdown(): Promise<void> {
    await this.vault.close();
  }
}

/** Tokens and scopes (CONTRACT §6): the vault, the scope checks, and issuing and revoking; the API and the CLI share it. */
@Module({})
export class TokensModule {
  static register(config: LedgerConfig): DynamicModule {
    return {
      module: TokensModule,
      providers: [
        { provide: TOKEN_VAULT, useFactory: () => openTokenVault(config.vaultLocation) },
        VaultLifecycle, Scope, IssueTokenHandler, RevokeTokenHandler, ListTokensHandler, GetCallerHandler,
      ],
      exports: [TOKEN_VAULT, Scope],
    };
  }
}
