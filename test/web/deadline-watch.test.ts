import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineWatch } from '../../src/web/deadline-watch.ts';

describe('DeadlineWatch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes on the value or the error of an operation that settles in time', async () => {
    const watch = new DeadlineWatch(1_000);
    await expect(watch.watch(Promise.resolve('stored'), 'Redis did not answer')).resolves.toBe('stored');
    const refused = new Error('WRONGTYPE');
    await expect(watch.watch(Promise.reject(refused), 'Redis did not answer')).rejects.toBe(refused);
    expect(watch.size).toBe(0);
  });

  it('refuses an operation that outlives its time, and ignores its late answer', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const watch = new DeadlineWatch(200);
    let answer: (value: string) => void = () => undefined;
    const slow = watch.watch(new Promise<string>((resolve) => (answer = resolve)), 'Redis did not answer');
    const outcome = slow.then(
      (value) => ({ value }),
      (error: Error) => ({ error: error.message }),
    );
    await vi.advanceTimersByTimeAsync(150);
    expect(watch.size).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toEqual({ error: 'Redis did not answer within 200 ms' });
    answer('too late');
    await Promise.resolve();
    expect(await outcome).toEqual({ error: 'Redis did not answer within 200 ms' });
    expect(watch.size).toBe(0);
  });

  it('refuses only the operations past due, oldest first, and keeps the others', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const watch = new DeadlineWatch(100);
    const never = new Promise<never>(() => undefined);
    const first = watch.watch(never, 'first').catch((error: Error) => error.message);
    await vi.advanceTimersByTimeAsync(60);
    let answerSecond: (value: string) => void = () => undefined;
    const second = watch.watch(new Promise<string>((resolve) => (answerSecond = resolve)), 'second');
    await vi.advanceTimersByTimeAsync(50);
    expect(await first).toBe('first within 100 ms');
    expect(watch.size).toBe(1);
    answerSecond('stored');
    expect(await second).toBe('stored');
    expect(watch.size).toBe(0);
  });

  it('keeps no timer when nothing is waiting (a server that stops is not held open)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const watch = new DeadlineWatch(80);
    await watch.watch(Promise.resolve(1), 'x');
    await vi.advanceTimersByTimeAsync(20);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a duration that is not positive', () => {
    expect(() => new DeadlineWatch(0)).toThrow(/positive duration/);
    expect(() => new DeadlineWatch(Number.NaN)).toThrow(/positive duration/);
  });
});
