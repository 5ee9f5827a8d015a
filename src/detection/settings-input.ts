/**
 * Detection settings as a person writes them (a `--config` file, the settings API): a JSON object of overrides
 * of the defaults. The schema drops keys it does not know, so a misspelt setting is refused here, not silently
 * ignored; every problem comes back as one readable message.
 */
import { z } from 'zod';
import { DEFAULT_DETECTION_CONFIG, resolveDetectionConfig } from './config.ts';
import type { DetectionConfig, DetectionConfigInput } from './config.ts';

export class DetectionSettingsError extends Error {
  override name = 'DetectionSettingsError';
}

/**
 * Overrides of the defaults as a zod schema: a JSON object, every key one the defaults have, resolving to a valid
 * config. Gives `{ input, config }` (what was written, and what it resolves to); a refusal is one readable issue.
 * The settings API, the dashboard's settings form and `hold-hunter detect --config` all parse with it.
 */
export const detectionSettingsSchema = z.unknown().transform((json, ctx) => {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    ctx.addIssue({ code: 'custom', message: 'detection settings must hold a JSON object' });
    return z.NEVER;
  }
  const unknown = unknownKeys(json, DEFAULT_DETECTION_CONFIG);
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` });
    return z.NEVER;
  }
  try {
    return { input: json, config: resolveDetectionConfig(json) };
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Checks `json` as overrides of the defaults; returns them with the config they resolve to. */
export function parseDetectionSettings(json: unknown): { input: DetectionConfigInput; config: DetectionConfig } {
  const parsed = detectionSettingsSchema.safeParse(json);
  if (!parsed.success) throw new DetectionSettingsError(parsed.error.issues[0]?.message ?? 'invalid detection settings');
  return parsed.data;
}

/** Dotted paths of keys in `input` that `reference` does not have (arrays and leaves are not descended). */
function unknownKeys(input: object, reference: unknown, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const known = typeof reference === 'object' && reference !== null && !Array.isArray(reference) && key in reference;
    if (!known) out.push(`${prefix}${key}`);
    else {
      const child = (reference as Record<string, unknown>)[key];
      const nested = typeof child === 'object' && child !== null && !Array.isArray(child);
      if (nested && typeof value === 'object' && value !== null && !Array.isArray(value)) out.push(...unknownKeys(value, child, `${prefix}${key}.`));
    }
  }
  return out;
}
