/**
 * Clock skew for one chaos instance: `node --import ./skewed-clock.ts` shifts this process's `Date.now()` by
 * CHAOS_CLOCK_SKEW_MS (the app has no injected clock). Everything the engine times with `Date.now()` — BullMQ
 * delayed jobs (timers, dial retries), history timestamps, sweep staleness — runs ahead or behind the other
 * instances and the simulator. `new Date()` and `performance.now()` are left alone.
 */
const skewMs = Number(process.env.CHAOS_CLOCK_SKEW_MS ?? 0);
if (Number.isFinite(skewMs) && skewMs !== 0) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + skewMs;
}
