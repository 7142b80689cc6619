import type { RegisterOrgUnit } from '../commands';
import type { OrgUnitLevel } from '../events';
import { deciderSpec, expectEvolveLeavesInputUnchanged } from '../testing/decider-spec';
import { noOrgUnit, org, orgUnitRegistered } from '../testing/fixtures';
import { mayNestUnder, orgUnitDecider, type OrgUnitState } from './org-unit';

const spec = deciderSpec(orgUnitDecider);

function register(orgUnitId: string, level: OrgUnitLevel, parent: OrgUnitState | null = null): RegisterOrgUnit {
  return {
    type: 'RegisterOrgUnit',
    data: { orgUnitId, name: `${orgUnitId} name`, level, parentId: parent?.orgUnitId ?? null, code: '431200' },
    parent,
  };
}

describe('RegisterOrgUnit', () => {
  it('registers a root with any level and a path of itself', () => {
    spec.given([]).when(register('huaihua', 'city')).then([{
      type: 'OrgUnitRegistered',
      data: { orgUnitId: 'huaihua', name: 'huaihua name', level: 'city', parentId: null, code: '431200', orgPath: ['huaihua'] },
    }]);
  });

  it('registers a child with the path of its parent plus itself', () => {
    spec.given([]).when(register('gaocun', 'township', org.mayang)).then([{
      type: 'OrgUnitRegistered',
      data: {
        orgUnitId: 'gaocun', name: 'gaocun name', level: 'township', parentId: 'mayang', code: '431200',
        orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun'],
      },
    }]);
  });

  it('refuses an id already registered', () => {
    spec.given([orgUnitRegistered('huaihua', 'city')]).when(register('huaihua', 'city')).thenThrows('ALREADY_EXISTS');
  });

  it('refuses a parentId whose parent was not resolved', () => {
    const command = { ...register('gaocun', 'township'), data: { ...register('gaocun', 'township').data, parentId: 'nowhere' } };
    spec.given([]).when(command).thenThrows('UNKNOWN_REFERENCE', 'parentId');
  });

  it('refuses a parentId whose parent stream does not exist', () => {
    const command = { ...register('gaocun', 'township', org.mayang), parent: noOrgUnit };
    spec.given([]).when(command).thenThrows('UNKNOWN_REFERENCE', 'parentId');
  });

  it.each<[OrgUnitLevel, keyof typeof org]>([
    ['township', 'huaihua'], ['village', 'gaocun'], ['grid', 'hunan'], ['unit', 'grid1'], ['unit', 'hunan'],
    ['unit', 'school'],
  ])('lets a %s sit under %s', (level, parent) => {
    spec.given([]).when(register('child', level, org[parent])).then([expect.objectContaining({ type: 'OrgUnitRegistered' })]);
  });

  it.each<[OrgUnitLevel, keyof typeof org]>([
    ['city', 'huaihua'], ['county', 'gaocun'], ['province', 'grid1'], ['township', 'xinying'],
    ['village', 'school'], ['county', 'school'],
  ])('refuses a %s under %s (same or lower rank, or a unit)', (level, parent) => {
    spec.given([]).when(register('child', level, org[parent])).thenThrows('INVALID_VALUE', 'level');
  });
});

describe('mayNestUnder', () => {
  it('orders province > city > county > township > village > grid, strictly', () => {
    expect(mayNestUnder('city', 'province')).toBe(true);
    expect(mayNestUnder('grid', 'county')).toBe(true);
    expect(mayNestUnder('grid', 'grid')).toBe(false);
    expect(mayNestUnder('city', 'county')).toBe(false);
  });

  it('puts a unit under anything, and only units under a unit', () => {
    expect(mayNestUnder('unit', 'province')).toBe(true);
    expect(mayNestUnder('unit', 'unit')).toBe(true);
    expect(mayNestUnder('grid', 'unit')).toBe(false);
  });
});

describe('org unit evolve', () => {
  it('folds a registration into the state the API reads', () => {
    expect(spec.given([orgUnitRegistered('gaocun', 'township', org.mayang)]).state()).toEqual({
      exists: true, orgUnitId: 'gaocun', name: 'gaocun name', level: 'township', parentId: 'mayang', code: null,
      orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun'],
    });
  });

  it('starts from a state that does not exist', () => {
    expect(spec.given([]).state()).toEqual({
      exists: false, orgUnitId: '', name: '', level: null, parentId: null, code: null, orgPath: [],
    });
  });

  it('leaves the state it is given unchanged', () => {
    expectEvolveLeavesInputUnchanged(orgUnitDecider, [], orgUnitRegistered('huaihua', 'city'));
  });
});
