import type { Logger } from 'pino';

/**
 * Fly sends SIGTERM and, `kill_timeout` later (30 s in fly.toml), SIGKILL; Compose waits `stop_grace_period`.
 * Closing must end before that, or the platform cuts it short mid-way: past this deadline we exit anyway (hunts
 * not yet handed back still move to another instance, through BullMQ's stalled check).
 */
export const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * Runs `close` once on SIGINT/SIGTERM, then exits; a second signal exits at once. `close` gets at most
 * `deadlineMs`: a shutdown that hangs (a Redis that never answers) must not outlive the platform's patience.
 */
export function onShutdown(log: Logger, close: () => Promise<void>, deadlineMs = SHUTDOWN_DEADLINE_MS): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) process.exit(1);
    closing = true;
    log.info({ signal, deadlineMs }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown took too long: exiting anyway');
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    close().then(
      () => {
        log.info('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
