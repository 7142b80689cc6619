import { badRequest } from './problem';

/** `minPosition` as a query parameter: a non-negative integer, else 400 naming it. */
export function parseMinPosition(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) {
    throw badRequest([{ path: 'minPosition', message: 'minPosition must be a non-negative integer' }]);
  }
  return Number(raw);
}
