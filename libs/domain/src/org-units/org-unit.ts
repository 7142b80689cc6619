/** Org units (stream org-unit-{id}): the administrative tree every figure rolls up over. */
import type { RegisterOrgUnit } from '../commands';
import type { Decider } from '../decider';
import { DomainError } from '../errors';
import type { OrgUnitEvent, OrgUnitLevel, OrgUnitRegistered } from '../events';

export interface OrgUnitState {
  exists: boolean;
  orgUnitId: string;
  name: string;
  level: OrgUnitLevel | null;
  parentId: string | null;
  code: string | null;
  /** Root … this unit. */
  orgPath: string[];
}

/** Administrative levels from the top down; `unit` (agency, school, enterprise…) stands outside this order. */
const ADMINISTRATIVE_RANK: Record<Exclude<OrgUnitLevel, 'unit'>, number> = {
  province: 0, city: 1, county: 2, township: 3, village: 4, grid: 5,
};

/**
 * Whether a unit of level `child` may sit under one of level `parent`: an administrative level must rank
 * strictly below its parent's; a `unit` may sit under any level; under a `unit` there are only `unit`s.
 */
export function mayNestUnder(child: OrgUnitLevel, parent: OrgUnitLevel): boolean {
  if (parent === 'unit') return child === 'unit';
  if (child === 'unit') return true;
  return ADMINISTRATIVE_RANK[child] > ADMINISTRATIVE_RANK[parent];
}

function decideRegister(command: RegisterOrgUnit, state: OrgUnitState): OrgUnitRegistered[] {
  const { data, parent } = command;
  if (state.exists) throw new DomainError('ALREADY_EXISTS', `org unit ${data.orgUnitId} already exists`);
  let orgPath = [data.orgUnitId];
  if (data.parentId !== null) {
    if (!parent || !parent.exists || parent.orgUnitId !== data.parentId || parent.level === null) {
      throw new DomainError('UNKNOWN_REFERENCE', `parent org unit ${data.parentId} does not exist`, 'parentId');
    }
    if (!mayNestUnder(data.level, parent.level)) {
      throw new DomainError('INVALID_VALUE', `a ${data.level} may not sit under a ${parent.level}`, 'level');
    }
    orgPath = [...parent.orgPath, data.orgUnitId];
  }
  return [{
    type: 'OrgUnitRegistered',
    data: {
      orgUnitId: data.orgUnitId, name: data.name, level: data.level, parentId: data.parentId,
      code: data.code, orgPath,
    },
  }];
}

export const orgUnitDecider: Decider<RegisterOrgUnit, OrgUnitEvent, OrgUnitState> = {
  initialState: () => ({
    exists: false, orgUnitId: '', name: '', level: null, parentId: null, code: null, orgPath: [],
  }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'OrgUnitRegistered': {
        const { orgUnitId, name, level, parentId, code, orgPath } = event.data;
        return { exists: true, orgUnitId, name, level, parentId, code, orgPath: [...orgPath] };
      }
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RegisterOrgUnit':
        return decideRegister(command, state);
    }
  },
};
