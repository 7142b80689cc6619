import type { Decider } from '../decider';
import { DomainError } from '../errors';
import { deciderSpec, deepFreeze } from './decider-spec';

type Added = { type: 'Added'; data: { n: number } };
type State = { items: number[] };
const mutating: Decider<{ type: 'Add'; n: number }, Added, State> = {
  initialState: () => ({ items: [] }),
  evolve: (state, event) => {
    state.items.push(event.data.n);
    return state;
  },
  decide: (command) => {
    if (command.n < 0) throw new DomainError('INVALID_VALUE', 'negative', 'n');
    return [{ type: 'Added', data: { n: command.n } }];
  },
};

describe('deciderSpec', () => {
  it('catches an evolve that mutates its input', () => {
    expect(() => deciderSpec(mutating).given([{ type: 'Added', data: { n: 1 } }]).state()).toThrow(TypeError);
  });

  it('compares decided events and domain errors', () => {
    deciderSpec(mutating).given([]).when({ type: 'Add', n: 2 }).then([{ type: 'Added', data: { n: 2 } }]);
    deciderSpec(mutating).given([]).when({ type: 'Add', n: -1 }).thenThrows('INVALID_VALUE', 'n');
  });

  it('freezes deeply', () => {
    const value = deepFreeze({ a: { b: [1] } });
    expect(Object.isFrozen(value.a.b)).toBe(true);
  });
});
