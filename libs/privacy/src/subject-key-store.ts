/**
 * Where the keys of personal data live, apart from the events (crypto-shredding): destroying a subject's key makes
 * every sealed value of that subject unreadable wherever the events were copied, while the events themselves stay.
 */
export interface SubjectKeyStore {
  /**
   * The subject's key, created (32 random bytes) and committed before this returns if it did not exist, so an event
   * is never sealed with a key that could still be lost. Two processes asking for the same new subject get the same
   * key. Throws SubjectErasedError when the subject's key was destroyed: a key is never made again for it.
   */
  keyFor(subject: string): Promise<Buffer>;
  /**
   * The keys of many subjects in one round trip: a Buffer for a live key, null for a destroyed one; a subject whose
   * key was never created is absent.
   */
  keysOf(subjects: readonly string[]): Promise<Map<string, Buffer | null>>;
  /**
   * Destroys the subject's key and leaves a tombstone, so it is never created again. True when a key was
   * destroyed, false when there was none (never created or already destroyed). Idempotent.
   */
  destroy(subject: string): Promise<boolean>;
  /** Cheap liveness check for /health. */
  ping(): Promise<void>;
  /** Safe to call twice. */
  close(): Promise<void>;
}

/** keyFor of a subject whose key was destroyed. */
export class SubjectErasedError extends Error {
  override readonly name = 'SubjectErasedError';
  constructor(readonly subject: string) {
    super(`the key of ${subject} was destroyed`);
  }
}

export function requireSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject.length === 0) throw new TypeError('a subject is a non-empty string');
}
