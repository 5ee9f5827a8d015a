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
}

export function createLineDetector(options: LineDetectorOptions = {}): LineDetector {
  return new LineDetectorImpl(options);
}
