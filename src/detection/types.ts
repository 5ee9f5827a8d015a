/**
 * The vocabulary of live-agent detection: what a line detector emits and what it is fed besides audio.
 * Times are seconds (decisions) or milliseconds (inputs) since the line's audio stream started.
 */

export type DetectionEvent = 'suspected' | 'confirmed' | 'cleared' | 'escalated';

export type LineState = 'listening' | 'suspected' | 'confirmed' | 'escalated';

/** One strategy's opinion, with the numbers that produced it (recorded so a decision can be replayed and tuned). */
export interface StrategyEvidence {
  strategy: string;
  /** 0..1: how strongly this strategy believes a live person is speaking now. */
  confidence: number;
  inputs: Record<string, number | string | boolean>;
}

export interface DetectionDecision {
  /** Seconds since the stream started. */
  t: number;
  event: DetectionEvent;
  /** Fused confidence 0..1 at the decision. */
  confidence: number;
  /** Per-strategy evidence (keyed by strategy) and the thresholds in force. */
  evidence: Record<string, unknown>;
}

/**
 * Call-progress facts from the telephony side. 'ivr-done': the menus are answered and the line is holding;
 * 'answered': the far end answered (the IVR); 'status': any other telephony status (e.g. 'hold', 'disconnected');
 * 'voice-check-done': the operator handled an escalated voice check, so detection resumes.
 */
export type ProgressSignal =
  | { kind: 'ivr-done' }
  | { kind: 'answered' }
  | { kind: 'status'; status: string }
  | { kind: 'voice-check-done' };

/** Where transcripts come from (an ASR engine behind a port; none is bundled). */
export interface TranscriptSource {
  /** Calls `listener` with each transcript segment; returns the unsubscribe. */
  onTranscript(listener: (segment: TranscriptSegment) => void): () => void;
}

export interface TranscriptSegment {
  text: string;
  /** Ms since the stream started. */
  t: number;
}
