import { randomUUID } from 'node:crypto';
import { badRequest } from './problem';
import { ID_PATTERN } from './validators';

/** A server-made id when the client sent none (offline clients make their own). */
export function newId(): string {
  return randomUUID();
}

/** Path parameters are ids too; a malformed one is a 400 naming the parameter. */
export function checkPathId(value: string, name = 'id'): string {
  if (!ID_PATTERN.test(value)) throw badRequest([{ path: name, message: `${name} must match ${ID_PATTERN.source}` }]);
  return value;
}
