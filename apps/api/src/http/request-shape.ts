import { badRequest, type FieldError } from './problem';

/**
 * The deepest JSON body taken. The deepest real body (a donation's `items[0].quantity`) is 3 levels; the
 * validators downstream recurse per level, so a body thousands deep must stop here, not in their call stack.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys no DTO has, which the validation pipe would otherwise strip silently instead of refusing as unknown
 * fields (it deletes them to guard against prototype pollution).
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A JSON body: parsed, then refused (400 problem+json) if too deep or carrying a prototype key. */
export function parseJsonBody(raw: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw badRequest([{ path: '', message: `the body is not valid JSON (${(error as Error).message})` }], 'The body is not valid JSON.');
  }
  checkShape(value, '');
  return value;
}

/**
 * Walks a parsed body or query without recursion (so no depth can overflow the stack): refuses nesting beyond
 * MAX_JSON_DEPTH and names every prototype key as an unknown field, as the validation pipe names any other.
 */
export function checkShape(root: unknown, rootPath: string): void {
  const errors: FieldError[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw badRequest([{ path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` }], `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) errors.push({ path: child, message: 'unknown field' });
      else pending.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  if (errors.length > 0) throw badRequest(errors.sort((a, b) => (a.path < b.path ? -1 : 1)));
}

/** RFC 2046: a boundary of 1–70 characters, quoted or not. */
const BOUNDARY = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i;

/**
 * A multipart body's Content-Type must carry a usable boundary; without one the multipart parser fails with
 * a bare error (a 500) once the handler reads the file.
 */
export function checkMultipartType(contentType: string | undefined): void {
  if (!contentType || !/^multipart\//i.test(contentType)) return;
  if (!BOUNDARY.test(contentType)) {
    throw badRequest([{ path: 'Content-Type', message: 'a multipart body needs a boundary of 1–70 characters' }]);
  }
}
