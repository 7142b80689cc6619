import { KeyedLock } from './keyed-lock';

describe('KeyedLock', () => {
  it('given tasks on one key, when they overlap, then they run one at a time in arrival order', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const task = (name: string, ms: number) => () => new Promise<string>((resolve) => {
      log.push(`start ${name}`);
      setTimeout(() => { log.push(`end ${name}`); resolve(name); }, ms);
    });
    const results = await Promise.all([lock.run('a', task('1', 20)), lock.run('a', task('2', 1)), lock.run('a', task('3', 5))]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('given a failing task, then the next task on the key still runs', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('a', async () => 'next')).resolves.toBe('next');
  });

  it('given different keys, then they do not wait for each other', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    await Promise.all([
      lock.run('slow', () => new Promise((r) => setTimeout(() => { order.push('slow'); r(null); }, 20))),
      lock.run('fast', async () => { order.push('fast'); }),
    ]);
    expect(order).toEqual(['fast', 'slow']);
  });
});
