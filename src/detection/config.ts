/**
 * Detection settings: defaults tuned on `npm run eval:detection` (docs/benchmarks.md) and a zod schema that
 * rejects nonsense, so the settings can be edited per destination later without breaking a detector.
 */
import { z } from 'zod';

const unit = z.number().min(0).max(1);
const positive = z.number().positive();

export const detectionConfigSchema = z
  .object({
    /** T1: fused confidence at which a line becomes 'suspected' (pre-arm the firm's standby leg). */
    suspectThreshold: unit,
    /** T2: fused confidence at which a line is 'confirmed' (hand the call over). */
    confirmThreshold: unit,
    /** A suspected line is 'cleared' when the confidence falls below T1 minus this. */
    hysteresis: unit,
    /** Per-strategy weights (0..1); 0 switches a strategy off. */
    weights: z.object({ speech: unit, loopMatch: unit, progress: unit, keywords: unit }),
    speech: z.object({
      /** Frames quieter than this RMS (16-bit scale) are silence. */
      silenceRms: positive,
      /** Speech probability above which a frame counts as speech. */
      speechProbability: unit,
    }),
    integration: z.object({
      /** Seconds of novel speech that take the audio confidence from 0 to 1. */
      riseSeconds: positive,
      /** Seconds without novel speech that take it from 1 back to 0. */
      decaySeconds: positive,
    }),
    loop: z.object({
      /** Loop-match score (share of recent fingerprint hashes agreeing on one offset) that marks loop audio. */
      matchThreshold: unit,
      /** A repeat on the same line counts only when this far apart (so speech never matches itself). */
      minRepeatSeconds: positive,
      /** Learn unmatched hold audio into the shared library. */
      learn: z.boolean(),
      /** Until the library has seen the loop repeat, audio alone may suspect but never confirm. */
      requireMatureLibrary: z.boolean(),
    }),
    knownPrompts: z.object({
      /** Match score at which a known prompt is recognised. */
      matchThreshold: unit,
    }),
    progress: z.object({
      /** After an 'answered' signal, audio evidence waits for 'ivr-done'. */
      waitForIvrDone: z.boolean(),
      /** Audio evidence is ignored for this long after ivr-done (the queue's own first prompts). */
      settleMs: z.number().min(0),
    }),
    keywords: z.object({
      phrases: z.array(z.string().min(1)),
      /** Voice-check phrases in a transcript escalate. */
      voiceCheckPhrases: z.array(z.string().min(1)),
      /** How long a keyword hit keeps counting. */
      holdMs: z.number().min(0),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.suspectThreshold > c.confirmThreshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['suspectThreshold'],
        message: `suspectThreshold (T1 = ${c.suspectThreshold}) must not exceed confirmThreshold (T2 = ${c.confirmThreshold})`,
      });
    }
    if (c.hysteresis > c.suspectThreshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['hysteresis'],
        message: `hysteresis (${c.hysteresis}) must not exceed suspectThreshold (${c.suspectThreshold})`,
      });
    }
  });

export type DetectionConfig = z.infer<typeof detectionConfigSchema>;

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = {
  suspectThreshold: 0.45,
  confirmThreshold: 0.9,
  hysteresis: 0.3,
  weights: { speech: 1, loopMatch: 1, progress: 1, keywords: 1 },
  speech: { silenceRms: 150, speechProbability: 0.5 },
  integration: { riseSeconds: 0.4, decaySeconds: 1.5 },
  loop: { matchThreshold: 0.25, minRepeatSeconds: 20, learn: true, requireMatureLibrary: true },
  knownPrompts: { matchThreshold: 0.3 },
  progress: { waitForIvrDone: true, settleMs: 0 },
  keywords: {
    phrases: ['internal revenue service', 'my name is', 'id number', 'badge'],
    voiceCheckPhrases: ['please say the following', 'please repeat', 'what is four plus one', 'confirm that you are a person'],
    holdMs: 5000,
  },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type DetectionConfigInput = DeepPartial<DetectionConfig>;

/** Defaults overlaid with `partial` (nested objects merge), validated; throws a readable error. */
export function resolveDetectionConfig(partial: DetectionConfigInput = {}): DetectionConfig {
  const merged = mergeDeep(DEFAULT_DETECTION_CONFIG, partial);
  const parsed = detectionConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new Error(`invalid detection config: ${lines.join('; ')}`);
  }
  return parsed.data;
}

function mergeDeep<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null) {
    return over as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    out[k] = mergeDeep((base as Record<string, unknown>)[k], v);
  }
  return out as T;
}
