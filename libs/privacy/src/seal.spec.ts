import { randomBytes } from 'node:crypto';
import { isSealed, seal, SealBrokenError, unseal } from './seal';

const key = randomBytes(32);
const subject = 'volunteer:v1';
const plaintext = JSON.stringify({ name: '阿依古丽', phone: '13800000000' });

/** Flips one bit of the part `index` (1 iv, 2 ciphertext, 3 tag) of a sealed value. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('seal', () => {
  it('opens with the key and subject it was sealed for', () => {
    const sealed = seal(plaintext, key, subject);
    expect(isSealed(sealed)).toBe(true);
    expect(unseal(sealed, key, subject)).toBe(plaintext);
  });

  it('is a versioned compact string without the plaintext', () => {
    const sealed = seal(plaintext, key, subject);
    expect(sealed).toMatch(/^tx1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain('13800000000');
    expect(Buffer.from(sealed.split('.')[2], 'base64url').includes(Buffer.from('阿依古丽'))).toBe(false);
  });

  it('uses a fresh IV each time, so equal values do not seal alike', () => {
    const sealed = new Set(Array.from({ length: 50 }, () => seal(plaintext, key, subject)));
    expect(sealed.size).toBe(50);
    expect(new Set([...sealed].map((value) => value.split('.')[1])).size).toBe(50);
  });

  it.each([[1, 'the IV'], [2, 'the ciphertext'], [3, 'the tag']])('refuses a value whose %s part (%s) was altered', (index) => {
    expect(() => unseal(tamper(seal(plaintext, key, subject), index), key, subject)).toThrow(SealBrokenError);
  });

  it('refuses a value moved to another subject', () => {
    expect(() => unseal(seal(plaintext, key, subject), key, 'volunteer:v2')).toThrow(SealBrokenError);
  });

  it('refuses another key', () => {
    expect(() => unseal(seal(plaintext, key, subject), randomBytes(32), subject)).toThrow(SealBrokenError);
  });

  it('refuses what is not a sealed value, and a key that is not 32 bytes', () => {
    for (const value of ['', 'tx1', 'tx2.AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA', '阿依古丽']) {
      expect(isSealed(value)).toBe(false);
      expect(() => unseal(value, key, subject)).toThrow(SealBrokenError);
    }
    expect(() => seal(plaintext, randomBytes(16), subject)).toThrow(TypeError);
  });

  it('seals an empty plaintext', () => {
    expect(unseal(seal('', key, subject), key, subject)).toBe('');
  });
});
