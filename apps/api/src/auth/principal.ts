import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

export type Role = 'admin' | 'organiser' | 'recorder' | 'analyst';

/** Who is calling. Roles and org-unit scopes (CONTRACT §6) arrive with the access issue; `scope` is their seam. */
export interface Principal {
  /** The token's id: what `actor` records in event metadata (never the secret). */
  tokenId: string;
  role: Role;
  /** Root of the caller's scope; null means the whole ledger. */
  scopeOrgUnitId: string | null;
}

export const IS_PUBLIC = 'tongxin:public';
/** Routes that answer without a token: health and docs only. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
