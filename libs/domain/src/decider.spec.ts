import { type Decider, fold } from './decider';

type CounterEvent = { type: 'Added'; data: { n: number } };
const counter: Decider<never, CounterEvent, { total: number }> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.n }),
  decide: () => [],
};
const added = (n: number): CounterEvent => ({ type: 'Added', data: { n } });

describe('fold', () => {
  it('given no events, is the initial state', () => {
    expect(fold(counter, [])).toEqual({ total: 0 });
  });

  it('applies events in order over the initial state', () => {
    expect(fold(counter, [added(2), added(3)])).toEqual({ total: 5 });
  });

  it('continues from a given state without changing it', () => {
    const cached = fold(counter, [added(2)]);
    expect(fold(counter, [added(3)], cached)).toEqual({ total: 5 });
    expect(cached).toEqual({ total: 2 });
  });
});
