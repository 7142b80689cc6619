import { existsSync, readFileSync } from 'node:fs';

/** A SQLite file and whichever of its -wal, -shm and -journal exist: everything a reader of the disk could open. */
export function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`].filter((file) => existsSync(file));
}

/** The files among `files` whose raw bytes contain `needle` (a string as UTF-8, or bytes). */
export function filesContaining(files: string[], needle: string | Buffer): string[] {
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle;
  return files.filter((file) => readFileSync(file).includes(bytes));
}

/** The ways a string may be written in JSON text: as is, and with every non-ASCII character \u-escaped. */
export function jsonForms(value: string): string[] {
  const escaped = value.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped === value ? [value] : [value, escaped];
}
