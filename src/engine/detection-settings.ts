/**
 * Detection settings per destination: the live overrides every new line of that destination listens with, an
 * optional shadow (candidate) set that runs beside them on the same audio and is never acted on, and the history
 * of who changed either, when, from what to what. Settings are validated before anything is written, so a bad
 * change leaves the old settings in force.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { DetectionConfigInput } from '../detection/index.ts';
import { parseDetectionSettings } from '../detection/settings-input.ts';
import { globalKeys } from '../store/redis-keys.ts';

export type DetectionSettingsKind = 'live' | 'shadow';

export interface DetectionSettings {
  /** Overrides of the defaults (what was saved, not the resolved config). */
  config: DetectionConfigInput;
  version: number;
  updatedAt: number;
  updatedBy: string;
}

export interface DetectionSettingsChange {
  kind: DetectionSettingsKind;
  version: number;
  at: number;
  by: string;
  /** undefined: there were none (defaults) / the shadow was removed. */
  before?: DetectionConfigInput;
  after?: DetectionConfigInput;
}

const HISTORY_KEPT = 500;

export class DetectionSettingsStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  async get(destinationId: string, kind: DetectionSettingsKind = 'live'): Promise<DetectionSettings | undefined> {
    const raw = await this.redis.hget(hashOf(kind), destinationId);
    return raw ? (JSON.parse(raw) as DetectionSettings) : undefined;
  }

  /** Validates and saves; throws `DetectionSettingsError` (nothing written) when the settings are not valid. */
  async save(destinationId: string, json: unknown, by: string, kind: DetectionSettingsKind = 'live'): Promise<DetectionSettings> {
    const { input } = parseDetectionSettings(json);
    const before = await this.get(destinationId, kind);
    const saved: DetectionSettings = { config: input, version: (before?.version ?? 0) + 1, updatedAt: this.now(), updatedBy: by };
    const change: DetectionSettingsChange = { kind, version: saved.version, at: saved.updatedAt, by, ...(before ? { before: before.config } : {}), after: input };
    await withChange(this.redis.multi().hset(hashOf(kind), destinationId, JSON.stringify(saved)), destinationId, change).exec();
    return saved;
  }

  /** Stops the shadow experiment of a destination; false when none ran. */
  async clearShadow(destinationId: string, by: string): Promise<boolean> {
    const before = await this.get(destinationId, 'shadow');
    if (!before) return false;
    const change: DetectionSettingsChange = { kind: 'shadow', version: before.version + 1, at: this.now(), by, before: before.config };
    await withChange(this.redis.multi().hdel(globalKeys.detectionShadow, destinationId), destinationId, change).exec();
    return true;
  }

  /** Changes, newest first. */
  async history(destinationId: string, limit = 50): Promise<DetectionSettingsChange[]> {
    const raw = await this.redis.lrange(globalKeys.detectionSettingsHistory(destinationId), 0, Math.max(0, limit - 1));
    return raw.map((entry) => JSON.parse(entry) as DetectionSettingsChange);
  }
}

const hashOf = (kind: DetectionSettingsKind): string => (kind === 'live' ? globalKeys.detectionSettings : globalKeys.detectionShadow);

/** Adds the change to the destination's history, in the same transaction as the change itself. */
function withChange(multi: ChainableCommander, destinationId: string, change: DetectionSettingsChange): ChainableCommander {
  const key = globalKeys.detectionSettingsHistory(destinationId);
  return multi.lpush(key, JSON.stringify(change)).ltrim(key, 0, HISTORY_KEPT - 1);
}
