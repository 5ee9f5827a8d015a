/**
 * Polls `check` until it returns a value (anything but undefined or false) or `timeoutMs` passes. A check that
 * throws counts as not yet (its last error is in the timeout message). The third argument is the poll interval
 * in ms, or a description of what is awaited for the timeout message.
 */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, pollOrWhat: number | string = 50): Promise<T> {
  const everyMs = typeof pollOrWhat === 'number' ? pollOrWhat : 50;
  const what = typeof pollOrWhat === 'string' ? pollOrWhat : 'condition';
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
