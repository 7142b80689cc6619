import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * `tx1.<iv>.<ciphertext>.<tag>`, each part base64url: AES-256-GCM, a fresh 12-byte IV per seal, a 16-byte tag,
 * the subject as additional authenticated data. The prefix names the format, so a later one (another cipher,
 * a key id) can be read beside this one.
 */
export const SEAL_FORMAT = 'tx1';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^tx1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

/** A sealed value that does not open with its subject's key: tampered, moved to another subject, or not a seal. */
export class SealBrokenError extends Error {
  override readonly name = 'SealBrokenError';
  constructor(readonly subject: string, reason: string) {
    super(`sealed value of ${subject} does not open: ${reason}`);
  }
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && SEALED.test(value);
}

/** Encrypts `plaintext` for `subject` under its key. */
export function seal(plaintext: string, key: Buffer, subject: string): string {
  requireKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(subject, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [SEAL_FORMAT, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The plaintext `seal` was given; SealBrokenError when the value was altered or sealed for another subject or key. */
export function unseal(sealed: string, key: Buffer, subject: string): string {
  requireKey(key);
  const parts = SEALED.exec(sealed);
  if (!parts) throw new SealBrokenError(subject, `not a ${SEAL_FORMAT} sealed value`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1], 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(subject, 'utf8'));
  decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(parts[2], 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealBrokenError(subject, 'authentication failed');
  }
}

function requireKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new TypeError(`a subject key is ${KEY_BYTES} bytes`);
}
