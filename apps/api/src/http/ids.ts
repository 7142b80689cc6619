import { v7 as uuidv7 } from 'uuid';
import { badRequest } from './problem';
import { ID_PATTERN } from './validators';

/**
 * A server-made id when the client sent none (offline clients make their own). UUIDv7 is time-ordered,
 * so new streams land at the end of the store's stream index instead of on random pages.
 */
export function newId(): string {
  return uuidv7();
}

/** Path parameters are ids too; a malformed one is a 400 naming the parameter. */
export function checkPathId(value: string, name = 'id'): string {
  if (!ID_PATTERN.test(value)) throw badRequest([{ path: name, message: `${name} must match ${ID_PATTERN.source}` }]);
  return value;
}
