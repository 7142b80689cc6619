/** True for a `postgres://` / `postgresql://` URL: the store, a read model or a side store in PostgreSQL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}
