/**
 * Live-agent detection: pure, per-line, frame-driven. Feed 20 ms frames of 8 kHz linear PCM (decode mu-law with
 * src/media/mu-law.ts first), call-progress signals, transcripts and operator confirmations; get decisions.
 */
import { LineDetectorImpl } from './line-detector.ts';
import type { DetectionConfigInput } from './config.ts';
import type { LoopLibrary } from './loop-library.ts';
import type { KnownPromptLibrary } from './known-prompts.ts';
import type { DetectionDecision, LineState, ProgressSignal } from './types.ts';

export type {
  DetectionDecision,
  DetectionEvent,
  LineState,
  ProgressSignal,
  StrategyEvidence,
  TranscriptSegment,
  TranscriptSource,
} from './types.ts';
export { DEFAULT_DETECTION_CONFIG, detectionConfigSchema, resolveDetectionConfig, type DetectionConfig,
  type DetectionConfigInput,
} from './config.ts';
export { LoopLibrary, InMemoryLoopLibraryStore, type LoopLibraryStore, type LoopLibrarySnapshot } from './loop-library.ts';
export { RedisLoopLibraryStore } from './redis-loop-library-store.ts';
export { KnownPromptLibrary, type KnownPromptKind } from './known-prompts.ts';
export { attachTranscriptSource } from './transcript-source.ts';

/** 8 kHz, 20 ms: the only frame the detector takes. */
export const DETECTION_SAMPLE_RATE = 8000;
export const DETECTION_FRAME_SAMPLES = 160;

export interface LineDetectorOptions {
  config?: DetectionConfigInput;
  /** The destination's shared hold-loop library (one per destination number; lines of a job share it). */
  loopLibrary?: LoopLibrary;
  /** Labeled recordings (voice-check prompts, IVR prompts) recognised by fingerprint. */
  knownPrompts?: KnownPromptLibrary;
  /**
   * Makes this a shadow of `shadowOf` (e.g. a candidate config fed the same frames): it shares that detector's
   * loop library and line identity and never learns, so the line's own freshly learned audio is not mistaken for
   * another line's loop audio and nothing is learned twice. `loopLibrary` is ignored.
   */
  shadowOf?: LineDetector;
}

/** What the detector hears now, in numbers: recorded with decisions (and for A/B comparison of configs). */
export interface DetectionFeatures {
  t: number;
  state: LineState;
  /** Fused confidence. */
  confidence: number;
  /** Integrated novel-speech level (0..1). */
  audio: number;
  speechProbability: number;
  sound: string;
  loopScore: number;
  loopFastScore: number;
  loopAudio: boolean;
  knownPromptScore: number;
  knownPrompt: string;
  progressGate: number;
  keywords: number;
  libraryMature: boolean;
  librarySize: number;
}

export interface LineDetector {
  /** One 20 ms frame of 8 kHz linear PCM (160 samples); tMs = ms since the stream started. */
  pushFrame(pcm: Int16Array, tMs: number): DetectionDecision[];
  signal(signal: ProgressSignal, tMs: number): DetectionDecision[];
  transcript(text: string, tMs: number): DetectionDecision[];
  confirmManually(by: string, tMs: number): DetectionDecision[];
  readonly state: LineState;
  /** The latest fused confidence (0..1), for a live readout. */
  readonly confidence: number;
  /** The current feature summary (after the last frame), e.g. to record with each decision. */
  features(tMs: number): DetectionFeatures;
}

export function createLineDetector(options: LineDetectorOptions = {}): LineDetector {
  return new LineDetectorImpl(options);
}

/** A shadow of `live` with a candidate config (see LineDetectorOptions.shadowOf); feed it the same frames. */
export function createShadowDetector(live: LineDetector, options: Omit<LineDetectorOptions, 'shadowOf' | 'loopLibrary'> = {}): LineDetector {
  return new LineDetectorImpl({ ...options, shadowOf: live });
}
