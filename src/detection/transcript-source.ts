/** Wires a TranscriptSource (an ASR engine behind a port) into a line detector's keyword strategy. */
import type { DetectionDecision, TranscriptSource } from './types.ts';

export function attachTranscriptSource(
  source: TranscriptSource,
  detector: { transcript(text: string, tMs: number): DetectionDecision[] },
  onDecisions: (decisions: DetectionDecision[]) => void,
): () => void {
  return source.onTranscript((segment) => {
    const decisions = detector.transcript(segment.text, segment.t);
    if (decisions.length > 0) onDecisions(decisions);
  });
}
