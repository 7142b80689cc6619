import { isoFromUtc } from './postgres-reader';

describe('isoFromUtc', () => {
  it.each([
    ['2026-05-01 10:00:00', '2026-05-01T10:00:00.000Z'],
    ['2026-05-01 10:00:00.1', '2026-05-01T10:00:00.100Z'],
    ['2026-05-01 10:00:00.12', '2026-05-01T10:00:00.120Z'],
    ['2026-05-01 10:00:00.123', '2026-05-01T10:00:00.123Z'],
    ['2026-05-01 10:00:00.123456', '2026-05-01T10:00:00.123Z'],
  ])('turns the server text %s into %s, as Date.toISOString would', (text, iso) => {
    expect(isoFromUtc(text)).toBe(iso);
    expect(new Date(`${text.replace(' ', 'T')}Z`).toISOString()).toBe(iso);
  });
});
