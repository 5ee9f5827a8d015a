/**
 * Feature flags (FEATURES): switches an operator flips per deployment without a code change, e.g. to keep a
 * misbehaving detection strategy out of every hunt, or to offer only plain transfers. Written
 * `name=on|off` separated by commas; anything not named keeps its default (on).
 */
export const DETECTION_STRATEGIES = ['speech', 'loopMatch', 'progress', 'keywords'] as const;
export type DetectionStrategy = (typeof DETECTION_STRATEGIES)[number];

export interface FeatureFlags {
  /** Hunts may hand off through the standby bridge (ring the firm's target early, bridge when confirmed). */
  standbyBridge: boolean;
  /** Detection strategies switched off for every destination (their weight is 0 whatever the settings say). */
  detectionOff: DetectionStrategy[];
}

export const DEFAULT_FEATURES: FeatureFlags = { standbyBridge: true, detectionOff: [] };

const FLAG_NAMES = ['standby-bridge', ...DETECTION_STRATEGIES.map((s) => `detection.${s}`)];

/** Parses FEATURES; returns the flags or one problem per bad entry. */
export function parseFeatureFlags(value: string | undefined): { flags: FeatureFlags } | { problems: string[] } {
  const flags: FeatureFlags = { ...DEFAULT_FEATURES, detectionOff: [] };
  const problems: string[] = [];
  for (const entry of (value ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([\w.-]+)=(on|off)$/.exec(entry);
    const name = match?.[1];
    if (!match || !name || !FLAG_NAMES.includes(name)) {
      problems.push(`FEATURES: "${entry}" is not <flag>=on|off with a flag among ${FLAG_NAMES.join(', ')}`);
      continue;
    }
    const on = match[2] === 'on';
    if (name === 'standby-bridge') flags.standbyBridge = on;
    else {
      const strategy = name.slice('detection.'.length) as DetectionStrategy;
      flags.detectionOff = on ? flags.detectionOff.filter((s) => s !== strategy) : [...new Set([...flags.detectionOff, strategy])];
    }
  }
  return problems.length > 0 ? { problems } : { flags };
}
