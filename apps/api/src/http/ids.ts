import { createHash } from 'node:crypto';
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

/**
 * An id made from the facts that identify a thing (a job: its file, campaign, uploader …): the same facts make the
 * same id, and however long the facts, the id is `<prefix>-` and 32 hex digits, short enough for a path segment.
 */
export function hashedId(prefix: string, ...facts: string[]): string {
  return `${prefix}-${createHash('sha256').update(facts.join('\n')).digest('hex').slice(0, 32)}`;
}

/** Path parameters are ids too; a malformed one is a 400 naming the parameter. */
export function checkPathId(value: string, name = 'id'): string {
  if (!ID_PATTERN.test(value)) throw badRequest([{ path: name, message: `${name} must match ${ID_PATTERN.source}` }]);
  return value;
}
