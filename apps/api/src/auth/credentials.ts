import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One-shot SHA-256 (crypto.hash): it runs on every request, and skips createHash's object set-up. */
export function hashToken(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}

interface StoredCredentials {
  adminTokenSha256: string;
  createdAt: string;
}

/**
 * The bootstrap admin credential. Only the token's SHA-256 is kept on disk; a generated token is
 * returned once so the caller can print it, and never again.
 */
export class AdminCredentials {
  private constructor(private readonly adminHash: Buffer) {}

  static load(dataDir: string, configuredToken?: string): { credentials: AdminCredentials; generatedToken?: string } {
    if (configuredToken) return { credentials: new AdminCredentials(hashToken(configuredToken)) };
    const file = join(dataDir, 'credentials.json');
    if (existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredCredentials;
      return { credentials: new AdminCredentials(Buffer.from(stored.adminTokenSha256, 'hex')) };
    }
    const token = `tx_${randomBytes(24).toString('base64url')}`;
    const record: StoredCredentials = { adminTokenSha256: hashToken(token).toString('hex'), createdAt: new Date().toISOString() };
    mkdirSync(dataDir, { recursive: true });
    // Write-then-rename so a crash never leaves a half-written credentials file.
    writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    return { credentials: new AdminCredentials(hashToken(token)), generatedToken: token };
  }

  isAdminToken(token: string): boolean {
    return timingSafeEqual(hashToken(token), this.adminHash);
  }
}
