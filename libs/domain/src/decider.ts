/**
 * A stream's rules as three pure functions over plain data (STYLE §1): no I/O, no clock, no framework.
 * `evolve` must return new objects and leave its input untouched, because callers cache folded states.
 */
export interface Decider<C, E, S> {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[];
}

/** Folds events over a decider's initial state (or over `from`, to continue from a cached state). */
export function fold<C, E, S>(decider: Decider<C, E, S>, events: Iterable<E>, from?: S): S {
  let state = from ?? decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
