import { createHash } from 'node:crypto';
import type { ImportKind } from './columns';

/** SHA-256 of the uploaded bytes, hex: the same file uploaded again has the same hash. */
export function fileHash(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}

/**
 * The Idempotency-Key of one row's API call (CONTRACT §0: 1–128 visible ASCII), so uploading the same
 * file again replays every row instead of appending it twice. 40 hex digits (160 bits) of the hash
 * keep it short and still collision-free in practice.
 */
export function rowIdempotencyKey(hash: string, kind: ImportKind, rowNumber: number): string {
  if (!/^[0-9a-f]{40,}$/i.test(hash)) throw new RangeError('hash must be the hex file hash');
  if (!Number.isSafeInteger(rowNumber) || rowNumber < 1) throw new RangeError('rowNumber must be a positive integer');
  return `import:${kind}:${hash.slice(0, 40).toLowerCase()}:${rowNumber}`;
}
