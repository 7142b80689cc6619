import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@tongxin/domain';

export type { Role } from '@tongxin/domain';

/** Who is calling: the token's id, role and the root of its scope (CONTRACT §6). */
export interface Principal {
  /** The token's id: what `actor` records in event metadata (never the secret). */
  tokenId: string;
  role: Role;
  /** Root of the caller's scope; null means the whole ledger (the bootstrap admin, or an admin issued without a unit). */
  scopeOrgUnitId: string | null;
}

export const IS_PUBLIC = 'tongxin:public';
/** Routes that answer without a token: health and docs only. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const ALLOWED_ROLES = 'tongxin:roles';
/**
 * The roles a route admits, checked by the guard before the handler runs (so before the store is touched).
 * A route without it admits admins only: a route someone forgot to mark fails closed.
 */
export const Allow = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/** CONTRACT §6 in role sets: who may read, read history, record, and handle money and verification. */
export const EVERY_ROLE: Role[] = ['admin', 'organiser', 'recorder', 'analyst'];
export const HISTORY_ROLES: Role[] = ['admin', 'organiser', 'analyst'];
export const RECORDING_ROLES: Role[] = ['admin', 'organiser', 'recorder'];
export const ORGANISING_ROLES: Role[] = ['admin', 'organiser'];

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
