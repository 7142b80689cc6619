import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { problem, ProblemException } from '../http/problem';
import { AdminCredentials } from './credentials';
import { IS_PUBLIC, type Principal } from './principal';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** Every route but the public ones needs `Authorization: Bearer <token>`; else 401 problem+json. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AdminCredentials) private readonly credentials: AdminCredentials,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw unauthorized('Send Authorization: Bearer <token>.');
    if (!this.credentials.isAdminToken(match[1])) throw unauthorized('The token is not known.');
    request.principal = { tokenId: 'admin', role: 'admin', scopeOrgUnitId: null };
    return true;
  }
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(problem(401, detail, { code: 'UNAUTHENTICATED' }), { 'www-authenticate': 'Bearer' });
}
