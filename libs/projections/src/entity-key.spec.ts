import { entityKey } from './entity-key';

describe('entityKey', () => {
  it('given ids, when keyed, then gives the keys read models already hold (cyrb53 of the ids joined by U+0000)', () => {
    expect(entityKey('act-1')).toBe(4269678678603054);
    expect(entityKey('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).toBe(7261785135626454);
    expect(entityKey('vol-7', 'entry-9')).toBe(1379115302151826);
    expect(entityKey('志愿者', '条目')).toBe(3535930091754184);
    expect(entityKey('')).toBe(3338908027751811);
    expect(entityKey('', '')).toBe(4446763975410778);
  });

  it('given two ids, when keyed, then the separator keeps ("a", "bc") apart from ("ab", "c")', () => {
    expect(entityKey('a', 'bc')).not.toBe(entityKey('ab', 'c'));
    expect(entityKey('a', 'bc')).not.toBe(entityKey('abc'));
  });
});
