import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TokenVault } from '@tongxin/access';
import { problem, ProblemException } from '../http/problem';
import { AdminCredentials } from './credentials';
import { FailedAuthThrottle } from './failed-auth-throttle';
import { ALLOWED_ROLES, IS_PUBLIC, type Principal, type Role } from './principal';
import { TOKEN_VAULT } from './vault';

/** HTTP auth schemes are case-insensitive (`bearer`, `BEARER`), and more than one space may precede the token. */
const BEARER = /^bearer +([\x21-\x7e]{1,512})$/i;

interface GuardedRequest {
  headers: Record<string, string | undefined>;
  ip: string;
  principal?: Principal;
}

/**
 * Every route but the public ones needs `Authorization: Bearer <token>` (else 401), a token the vault knows and
 * has not revoked (else 401; asked on every request, so a revocation holds from the next one), and a role the
 * route admits (else 403). All before the handler runs; scope, which depends on what is addressed, is the
 * handler's to check.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AdminCredentials) private readonly credentials: AdminCredentials,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(FailedAuthThrottle) private readonly throttle: FailedAuthThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw unauthorized('Send Authorization: Bearer <token>.');
    const wait = await this.throttle.retryAfter(request.ip);
    if (wait > 0) throw tooManyFailures(wait);
    const principal = await this.authenticate(match[1]);
    if (!principal) {
      const blocked = await this.throttle.fail(request.ip);
      if (blocked > 0) throw tooManyFailures(blocked);
      throw unauthorized('The token is not known, or was revoked.');
    }
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets) ?? ['admin'];
    if (!allowed.includes(principal.role)) {
      throw new ProblemException(problem(403, `The ${principal.role} role may not do this; it needs one of: ${allowed.join(', ')}.`, { code: 'FORBIDDEN' }));
    }
    return true;
  }

  private async authenticate(secret: string): Promise<Principal | undefined> {
    if (this.credentials.isAdminToken(secret)) return { tokenId: 'admin', role: 'admin', scopeOrgUnitId: null };
    const token = await this.vault.authenticate(secret);
    return token && { tokenId: token.id, role: token.role, scopeOrgUnitId: token.orgUnitId };
  }
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(problem(401, detail, { code: 'UNAUTHENTICATED' }), { 'www-authenticate': 'Bearer' });
}

function tooManyFailures(seconds: number): ProblemException {
  return new ProblemException(
    problem(429, `Too many failed authentications from this address; retry after ${seconds} s.`, { code: 'TOO_MANY_FAILED_AUTHENTICATIONS' }),
    { 'retry-after': String(seconds) },
  );
}
