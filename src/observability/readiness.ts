/**
 * Readiness: can this instance do its work right now? Each check names one dependency (Redis, the RingCentral
 * login, the webhook subscription, the engine's workers) and either passes or says what is wrong. Fly and Compose
 * route traffic only to ready instances; an operator reads the JSON body to see which part failed.
 */
export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects (or returns a message) when not. */
  run(): Promise<void | string>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; ms: number }>;
}

/** A check slower than this counts as failed: a probe must answer well within the platform's check timeout. */
export const CHECK_TIMEOUT_MS = 2_000;

export async function checkReadiness(checks: ReadinessCheck[], timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check) => {
      const started = performance.now();
      let error: string | undefined;
      try {
        const problem = await withTimeout(check.run(), timeoutMs, `no answer within ${timeoutMs} ms`);
        if (typeof problem === 'string') error = problem;
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      const ms = Math.round(performance.now() - started);
      return [check.name, error === undefined ? { ok: true, ms } : { ok: false, error, ms }] as const;
    }),
  );
  const report = Object.fromEntries(results);
  return { ready: results.every(([, result]) => result.ok), checks: report };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
