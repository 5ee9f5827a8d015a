/** What a LineCall reports: phases, events for listeners, and the timeline entries kept for inspection. */

export type LinePhase =
  | 'ringing'
  | 'busy'
  | 'no-answer'
  | 'closed-message'
  | 'courtesy-message'
  | 'ivr'
  | 'voice-check'
  | 'hold'
  | 'agent'
  | 'transferred'
  | 'ended';

export type HangupReason =
  | 'closed'
  | 'courtesy-disconnect'
  | 'ivr-timeout'
  | 'voice-check-failed'
  | 'hold-drop'
  | 'dead-air'
  | 'forced';

/**
 * Listener events. Order rule: the event that causes a phase comes first, then its 'phase' event
 * (e.g. 'answered' then phase 'ivr'; 'hangup' then phase 'ended'); `call.phase` already holds the new
 * phase while both are delivered.
 */
export type LineEvent =
  | { type: 'proceeding' }
  | { type: 'answered' }
  | { type: 'busy' }
  | { type: 'no-answer' }
  | { type: 'phase'; phase: LinePhase }
  | { type: 'agent-pickup'; agentName: string; agentId: string }
  | { type: 'voice-check'; kind: 'repeat-phrase' | 'arithmetic'; prompt: string; expectedAnswer: string }
  | { type: 'hangup'; by: 'irs'; reason: HangupReason };

export interface TimelineEntry {
  /** Wall-clock ms since the epoch. */
  at: number;
  /** Model-time ms since the dial ((at - dial wall time) x timeScale). */
  modelAt: number;
  /**
   * 'dialed', 'proceeding', 'answered', 'busy', 'no-answer', 'phase', 'closed-message', 'courtesy-message',
   * 'ivr-started', 'ivr-menu', 'dtmf', 'ivr-input', 'ivr-no-input', 'ivr-failed', 'ivr-completed',
   * 'voice-check', 'voice-check-answered', 'voice-check-failed', 'hold-start', 'announcement',
   * 'hold-ringback', 'hold-silence-gap', 'agent-pickup', 'agent-hello', 'transfer-received',
   * 'firm-answered', 'force-pickup', 'force-disconnect', 'hangup'.
   */
  event: string;
  by?: 'caller' | 'irs' | 'simulator';
  detail?: Record<string, unknown>;
}
