/**
 * `npm run test:cluster`: the tests that use Redis, run against the Redis Cluster in REDIS_URL
 * (scripts/redis-cluster.ts starts it). One file at a time: files that need the product's global keys to
 * themselves get the whole cluster, emptied (test/support/redis-url.ts). Left out: tests pinned to a database
 * number of the shared Redis (dashboard-alerts, host-crash) and browser tests.
 */
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

// Not mergeConfig: it would append this include list to the base one (the whole suite).
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/cluster/**/*.test.ts',
      'test/store/**/*.test.ts',
      'test/engine/{hunt-six-lines,owner-killed,engine-thread,graceful-shutdown,hunt-webhook-faults,hunt-resubscribe,hunt-standby-bridge,line-listening,talk-through}.test.ts',
      'test/observability/metrics-hunt.test.ts',
      'test/web/{dashboard-routes,destination-api,auth-security,auth-user-cli,auth-cluster,pools-and-presence,history-analytics,webhook-receiver,webhook-receiver.property,webhook-listener,webhook-simulator,webhook-subscription-keeper,job-api,detection-settings-api,api-docs,branding,shutdown-closes-streams,security-dialling,security-fuzz.property,security-redaction,security-secrets-at-rest}.test.ts',
    ],
    fileParallelism: false,
    coverage: { enabled: false },
  },
});
