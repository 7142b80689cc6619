import { checkMultipartType, checkShape, MAX_JSON_DEPTH, parseJsonBody } from './request-shape';
import { ProblemException } from './problem';

function refusal(run: () => unknown): { detail: string; errors: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemException) return { detail: error.problem.detail, errors: error.problem.errors };
    throw error;
  }
  throw new Error('nothing was refused');
}

describe('parseJsonBody', () => {
  it('given a body nested exactly to the limit, then it parses it', () => {
    const raw = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(() => parseJsonBody(raw)).not.toThrow();
  });

  it('given a body one level deeper, then it is refused naming where', () => {
    const raw = `{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    expect(refusal(() => parseJsonBody(raw)).errors).toEqual([{ path: `a${'[0]'.repeat(MAX_JSON_DEPTH - 1)}`, message: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  });

  it('given 100,000 levels, then it is refused without overflowing the stack', () => {
    const raw = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(refusal(() => parseJsonBody(raw)).detail).toMatch(/nested deeper/);
  });

  it('given text that is not JSON, then it is refused as such', () => {
    expect(refusal(() => parseJsonBody('{"a":')).detail).toBe('The body is not valid JSON.');
  });

  it('given prototype keys at any depth, then each is named an unknown field', () => {
    expect(refusal(() => parseJsonBody('{"__proto__":{},"donor":{"constructor":1},"items":[{"prototype":2}]}')).errors).toEqual([
      { path: '__proto__', message: 'unknown field' },
      { path: 'donor.constructor', message: 'unknown field' },
      { path: 'items[0].prototype', message: 'unknown field' },
    ]);
  });
});

describe('checkShape of a query', () => {
  it('given ordinary keys, then it passes', () => {
    expect(() => checkShape({ orgUnitId: 'a', from: ['x', 'y'] }, '')).not.toThrow();
  });
});

describe('checkMultipartType', () => {
  it.each([
    ['multipart/form-data; boundary=abc', true],
    ['multipart/form-data; boundary="a b c"', true],
    ['multipart/form-data', false],
    ['multipart/form-data; boundary=', false],
    [`multipart/form-data; boundary=${'x'.repeat(71)}`, false],
    ['application/json', true],
  ])('%s → taken: %s', (type, taken) => {
    if (taken) expect(() => checkMultipartType(type)).not.toThrow();
    else expect(refusal(() => checkMultipartType(type)).errors).toEqual([{ path: 'Content-Type', message: expect.any(String) }]);
  });
});
