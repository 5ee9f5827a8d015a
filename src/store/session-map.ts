/**
 * The session map (`globalKeys.sessionMap`): telephonySessionId → "<jobId> <callId>", how a webhook, the audio path
 * and data retention find the hunt and line a RingCentral session belongs to. Written when a dial is placed; read by
 * deliver-webhook-3.lua too (which splits at the first space the same way).
 */

export interface SessionOwner {
  jobId: string;
  callId: string;
}

export function sessionMapValue(owner: SessionOwner): string {
  return `${owner.jobId} ${owner.callId}`;
}

/** The owner an entry names; undefined for a missing entry or one without a job id before its first space. */
export function parseSessionMapValue(value: string | null | undefined): SessionOwner | undefined {
  if (!value) return undefined;
  const space = value.indexOf(' ');
  if (space <= 0) return undefined;
  return { jobId: value.slice(0, space), callId: value.slice(space + 1) };
}
