/**
 * Access tokens (stream token-{id}): who was given which role over which subtree, and when it was taken back.
 * The secret never enters the log; only its hash is kept, apart from the events (the vault). These events are
 * the audit trail of access itself.
 */
import type { Decider } from '../decider';
import { DomainError } from '../errors';
import type { OrgPath } from '../events';
import type { OrgUnitState } from '../org-units/org-unit';
import { requireOrgUnit } from '../rules';

/** CONTRACT §6, from the widest to the narrowest. */
export const ROLES = ['admin', 'organiser', 'recorder', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenIssued {
  type: 'TokenIssued';
  /** `orgUnitId`/`orgPath` null only for an admin over the whole ledger (issued from the CLI). */
  data: { tokenId: string; name: string; role: Role; orgUnitId: string | null; orgPath: OrgPath | null };
}
export interface TokenRevoked {
  type: 'TokenRevoked';
  data: { tokenId: string; reason: string | null };
}
export type TokenEvent = TokenIssued | TokenRevoked;

export interface IssueToken {
  type: 'IssueToken';
  data: { tokenId: string; name: string; role: Role; orgUnitId: string | null };
  /** The unit the token is bound to, as read; null when `orgUnitId` is null. */
  orgUnit: OrgUnitState | null;
}
export interface RevokeToken {
  type: 'RevokeToken';
  data: { tokenId: string; reason: string | null };
}
export type TokenCommand = IssueToken | RevokeToken;

export interface TokenState {
  exists: boolean;
  tokenId: string;
  name: string;
  role: Role | null;
  orgUnitId: string | null;
  orgPath: string[] | null;
  revoked: boolean;
}

function decideIssue({ data, orgUnit }: IssueToken, state: TokenState): TokenIssued[] {
  if (state.exists) throw new DomainError('ALREADY_EXISTS', `token ${data.tokenId} already exists`);
  let orgPath: string[] | null = null;
  if (data.orgUnitId !== null) orgPath = [...requireOrgUnit(orgUnit, data.orgUnitId).orgPath];
  else if (data.role !== 'admin') throw new DomainError('INVALID_VALUE', `a ${data.role} token must be bound to an org unit`, 'orgUnitId');
  return [{ type: 'TokenIssued', data: { tokenId: data.tokenId, name: data.name, role: data.role, orgUnitId: data.orgUnitId, orgPath } }];
}

function decideRevoke({ data }: RevokeToken, state: TokenState): TokenRevoked[] {
  if (!state.exists) throw new DomainError('NOT_FOUND', `token ${data.tokenId} does not exist`);
  // Revoking twice changes nothing: the caller's intent (this token no longer works) already holds.
  if (state.revoked) return [];
  return [{ type: 'TokenRevoked', data: { tokenId: data.tokenId, reason: data.reason } }];
}

export const tokenDecider: Decider<TokenCommand, TokenEvent, TokenState> = {
  initialState: () => ({ exists: false, tokenId: '', name: '', role: null, orgUnitId: null, orgPath: null, revoked: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'TokenIssued': {
        const { tokenId, name, role, orgUnitId, orgPath } = event.data;
        return { exists: true, tokenId, name, role, orgUnitId, orgPath: orgPath && [...orgPath], revoked: false };
      }
      case 'TokenRevoked':
        return { ...state, revoked: true };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'IssueToken':
        return decideIssue(command, state);
      case 'RevokeToken':
        return decideRevoke(command, state);
    }
  },
};
