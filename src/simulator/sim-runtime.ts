/**
 * Owns the live SimContext and rebuilds it on reset, so one running simulator can replay any seed and scenario.
 */
import type { Logger } from 'pino';
import type { SimContext } from './sim-context.ts';
import type { SimOptions } from './sim-options.ts';
import type { SimClock } from './sim-clock.ts';
import { realClock } from './sim-clock.ts';
import { Random } from './random.ts';
import { TokenStore } from './auth/token-store.ts';
import { RateLimiter } from './rate-limit/rate-limiter.ts';
import { FaultInjector, NO_FAULTS } from './faults.ts';
import type { FaultSettings } from './faults.ts';
import { LineModel, getScenario } from './line/index.ts';
import type { Scenario } from './line/index.ts';
import { CallRegistry } from './telephony/call-registry.ts';
import { SubscriptionHub } from './subscriptions/subscription-hub.ts';
import { createDirectory } from './directory/seed-directory.ts';
import type { RunningSipServer } from './sip/sip-server.ts';

export interface ResetRequest {
  seed?: number | string;
  scenario?: string;
  timeScale?: number;
}

export function scenarioFaults(scenario: Scenario): FaultSettings {
  const f = scenario.faults;
  return {
    ...NO_FAULTS,
    webhookLoss: f.webhookLoss,
    webhookDuplication: f.webhookDuplication,
    webhookReorder: f.webhookReorder,
    webhookDelayMs: f.webhookDelayMs,
    api5xx: f.api5xx,
    api429: f.api429,
  };
}

/** What the control API may ask of the SIP listener (src/simulator/sip/sip-server.ts), when one runs. */
export type SipControl = Pick<RunningSipServer, 'port' | 'certificate' | 'faults' | 'status' | 'disconnectDevice' | 'sendJunkMedia'>;

export class SimRuntime {
  private ctx: SimContext;
  /** Set by startSimulator when it runs the SIP listener; the listener outlives resets, like the HTTP server. */
  sip: SipControl | undefined;
  private readonly rebuildListeners = new Set<(ctx: SimContext) => void>();

  constructor(
    private options: SimOptions,
    private readonly log: Logger,
    /** Tests pass a ManualClock factory; the default is the wall clock at the configured time scale. */
    private readonly makeClock: (timeScale: number) => SimClock = realClock,
  ) {
    this.ctx = this.build();
  }

  get context(): SimContext {
    return this.ctx;
  }

  /** Drops every call, token and subscription and starts over with the given seed and scenario. */
  reset(request: ResetRequest = {}): SimContext {
    const scenario = getScenario(request.scenario ?? this.options.scenario); // throws on an unknown name before anything changes
    if (request.timeScale !== undefined && !(request.timeScale >= 1)) throw new Error('timeScale must be a number >= 1');
    this.close();
    this.options = {
      ...this.options,
      seed: request.seed ?? this.options.seed,
      scenario: scenario.name,
      timeScale: request.timeScale ?? this.options.timeScale,
    };
    this.ctx = this.build();
    this.rebuilt();
    return this.ctx;
  }

  /** Calls `listener` after every reset (or URL change) replaced the context; returns the unsubscribe function. */
  onRebuild(listener: (ctx: SimContext) => void): () => void {
    this.rebuildListeners.add(listener);
    return () => this.rebuildListeners.delete(listener);
  }

  /** Set once the listening port is known; rebuilds the context so `uri` fields carry it. */
  setPublicUrl(publicUrl: string): void {
    if (this.options.publicUrl === publicUrl) return;
    this.close();
    this.options = { ...this.options, publicUrl };
    this.ctx = this.build();
    this.rebuilt();
  }

  close(): void {
    this.ctx.calls.close();
    this.ctx.subscriptions.close();
  }

  private rebuilt(): void {
    for (const listener of [...this.rebuildListeners]) listener(this.ctx);
  }

  private build(): SimContext {
    const { options, log } = this;
    const scenario = getScenario(options.scenario);
    const clock = this.makeClock(options.timeScale);
    const directory = createDirectory(options.seed);
    const faults = new FaultInjector(scenarioFaults(scenario), Random.derive(options.seed, 'faults'));
    const subscriptions = new SubscriptionHub({
      clock,
      accountId: directory.accountId,
      publicUrl: options.publicUrl,
      faults,
      random: Random.derive(options.seed, 'webhooks'),
      log: log.child({ part: 'webhooks' }),
    });
    const line = new LineModel({ seed: options.seed, scenario, clock });
    const calls = new CallRegistry({
      clock,
      directory,
      line,
      sink: subscriptions,
      random: Random.derive(options.seed, 'sessions'),
      log: log.child({ part: 'calls' }),
    });
    return {
      options,
      clock,
      log,
      directory,
      tokens: new TokenStore(() => clock.now()),
      limiter: new RateLimiter(options.rateLimits, () => clock.now()),
      faults,
      line,
      calls,
      subscriptions,
    };
  }
}
