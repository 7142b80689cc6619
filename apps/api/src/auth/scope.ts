import { Injectable } from '@nestjs/common';
import { CommandExecutor } from '../ledger/command-executor';
import { inScope, requireScope } from './access';
import type { Principal } from './principal';

/** Scope checks that need the org tree: where a unit sits, read from its stream (units never move, so cached). */
@Injectable()
export class Scope {
  constructor(private readonly executor: CommandExecutor) {}

  /** The unit's path (root … unit), or null when it does not exist. */
  async pathOf(orgUnitId: string): Promise<string[] | null> {
    const unit = await this.executor.orgUnit(orgUnitId);
    return unit.exists ? unit.orgPath : null;
  }

  /**
   * 403 unless the unit lies in the caller's scope (an unknown unit never does, for a scoped caller, nor does null: the
   * whole ledger, as a job started by an unscoped admin is filed).
   */
  async requireUnit(principal: Principal, orgUnitId: string | null): Promise<void> {
    if (principal.scopeOrgUnitId === null) return;
    requireScope(principal, orgUnitId === null ? null : await this.pathOf(orgUnitId));
  }

  /**
   * The subtree a read covers: the unit asked for, which must lie in scope, or else the caller's own root — a
   * village officer's totals are its village's, never the ledger's.
   */
  async readRoot(principal: Principal, requested: string | undefined): Promise<string | undefined> {
    if (requested === undefined) return principal.scopeOrgUnitId ?? undefined;
    await this.requireUnit(principal, requested);
    return requested;
  }

  /** Whether an event recorded under `orgUnitId` (its metadata's) is one the caller may see. */
  async sees(principal: Principal, orgUnitId: unknown): Promise<boolean> {
    if (principal.scopeOrgUnitId === null) return true;
    if (typeof orgUnitId !== 'string' || orgUnitId === '') return false;
    return inScope(principal, await this.pathOf(orgUnitId));
  }
}
