/**
 * Org paths as one indexed string, '/root/…/unit/', so "this unit's subtree" is a prefix, i.e. a range
 * query. Ids are validated against ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$ and never hold '/' or '%'; should
 * one ever arrive, both are percent-escaped so a segment cannot forge a deeper path.
 */
const UNSAFE = /[/%]/;

function escapeSegment(segment: string): string {
  return segment.replace(/%/g, '%25').replace(/\//g, '%2F');
}

export function encodeOrgPath(orgPath: readonly string[]): string {
  let path = '/';
  for (const segment of orgPath) path += (UNSAFE.test(segment) ? escapeSegment(segment) : segment) + '/';
  return path;
}

export function decodeOrgPath(path: string): string[] {
  return path.split('/').slice(1, -1).map((segment) => segment.replace(/%2F/g, '/').replace(/%25/g, '%'));
}

/** The exclusive upper bound of the subtree range: '/' (0x2F) is followed by '0' (0x30). */
export function subtreeEnd(path: string): string {
  return `${path.slice(0, -1)}0`;
}
