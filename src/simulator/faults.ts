/**
 * Faults the simulator injects on purpose: lost, duplicated, reordered or delayed webhooks, API latency, 5xx
 * and 429 bursts, and failed hand-offs. The scenario sets a baseline; `/_sim/faults` overrides it at run time.
 */
import type { Random } from './random.ts';

export interface FaultSettings {
  /** Probability that a notification is never delivered. */
  webhookLoss: number;
  /** Probability that a notification is delivered twice. */
  webhookDuplication: number;
  /** Probability that a notification is held back and sent after the next one of its session. */
  webhookReorder: number;
  /** Extra delivery delay range in wall ms. */
  webhookDelayMs: [number, number];
  /** Extra latency range added to every REST reply, wall ms. */
  apiLatencyMs: [number, number];
  /** Probability that a REST request fails with 503 CMN-201. */
  api5xx: number;
  /** Probability that a REST request is refused with 429 CMN-301 regardless of the budget. */
  api429: number;
  /**
   * This many coming hand-off requests (POST …/transfer or …/bridge) fail with 503 CMN-201 and change nothing: a
   * failed hand-off on demand (counts down; not part of any scenario).
   */
  failNextTransfers: number;
}

export const NO_FAULTS: FaultSettings = {
  webhookLoss: 0,
  webhookDuplication: 0,
  webhookReorder: 0,
  webhookDelayMs: [0, 0],
  apiLatencyMs: [0, 0],
  api5xx: 0,
  api429: 0,
  failNextTransfers: 0,
};

export class FaultInjector {
  private settings: FaultSettings;

  constructor(
    private baseline: FaultSettings,
    private readonly random: Random,
  ) {
    this.settings = { ...baseline };
  }

  current(): FaultSettings {
    return this.settings;
  }

  /** Merges overrides over the current settings. */
  update(overrides: Partial<FaultSettings>): FaultSettings {
    this.settings = { ...this.settings, ...overrides };
    return this.settings;
  }

  /** Back to the scenario's baseline (or a new one). */
  reset(baseline: FaultSettings = this.baseline): void {
    this.baseline = baseline;
    this.settings = { ...baseline };
  }

  /** Takes one off `failNextTransfers`: true when this hand-off request is to fail. */
  takeTransferFailure(): boolean {
    if (this.settings.failNextTransfers <= 0) return false;
    this.settings = { ...this.settings, failNextTransfers: this.settings.failNextTransfers - 1 };
    return true;
  }

  roll(probability: number): boolean {
    return probability > 0 && this.random.chance(probability);
  }

  delay([min, max]: [number, number]): number {
    return max <= 0 ? 0 : this.random.uniform(min, max);
  }
}
