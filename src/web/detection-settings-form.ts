/**
 * The dashboard's detection settings forms (`POST /settings/detection/:destinationId` and `…/shadow`) as zod
 * schemas: the thresholds and other overrides as typed, then the overrides they make, checked by the same schema
 * as the settings API and the CLI (`detectionSettingsSchema`), so a form can save nothing the API would refuse.
 * The field messages are the page's own.
 */
import { z } from 'zod';
import { resolveDetectionConfig } from '../detection/index.ts';
import { detectionSettingsSchema } from '../detection/settings-input.ts';
import { THRESHOLDS } from '../../views/settings-page.tsx';
import { formText, issueMessages } from './form-input.ts';

type Threshold = (typeof THRESHOLDS)[number];

/** The form's fields as typed (what the page shows again next to a refusal). */
export const settingsFormText = z.object({ suspectThreshold: formText, confirmThreshold: formText, hysteresis: formText, overrides: formText, shadow: formText });
export type SettingsFormText = z.infer<typeof settingsFormText>;

const threshold = (name: Threshold) => {
  const error = `${name} must be a number from 0 to 1`;
  return z.string().min(1, { error }).pipe(z.coerce.number<string>({ error }).min(0, { error }).max(1, { error }));
};

const OVERRIDES_MESSAGE = 'Other overrides must be a JSON object, e.g. {"speech": {"silenceRms": 200}}';
const overridesObject = z.string().transform((text, ctx): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  ctx.addIssue({ code: 'custom', message: OVERRIDES_MESSAGE });
  return z.NEVER;
});

/** The live settings form → the overrides to save (a threshold equal to its default is not stored). */
export const liveSettingsForm = z
  .object({ suspectThreshold: threshold('suspectThreshold'), confirmThreshold: threshold('confirmThreshold'), hysteresis: threshold('hysteresis'), overrides: overridesObject })
  .transform(({ overrides, ...thresholds }): unknown => {
    const config: Record<string, unknown> = { ...overrides };
    const defaults = resolveDetectionConfig();
    for (const name of THRESHOLDS) {
      if (thresholds[name] !== defaults[name]) config[name] = thresholds[name];
      else delete config[name];
    }
    return config;
  })
  .pipe(detectionSettingsSchema);

/** The shadow form's JSON → the candidate overrides (empty is handled before: it removes the shadow). */
export const shadowSettingsForm = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Shadow overrides must be JSON, e.g. {"confirmThreshold": 0.8}' });
      return z.NEVER;
    }
  })
  .pipe(detectionSettingsSchema);

/** A refusal as the page's field errors: a threshold's own, else everything is about the other overrides. */
export function settingsFormErrors(error: z.ZodError, whole: 'overrides' | 'shadow'): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, message] of Object.entries(issueMessages(error))) {
    const key = (THRESHOLDS as readonly string[]).includes(field) || field === 'overrides' ? field : whole;
    errors[key] ??= message;
  }
  return errors;
}
