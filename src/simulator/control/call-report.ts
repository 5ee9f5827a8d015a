/**
 * A call's true story for tests and demos: what really happened on the line (IVR answered, hold start, agent
 * pickup, transfer received, hang-up and by whom), which the product itself can never see directly.
 */
import type { SimSession } from '../telephony/sim-session.ts';

export interface CallReport {
  telephonySessionId: string;
  sessionId: string;
  /** `CallOut` (REST call-out) or `Call` (dialled by the device itself over SIP). */
  origin: string;
  to: string | undefined;
  callerExtensionId: number;
  deviceId: string;
  createdAt: string;
  endedAt: string | null;
  phase: string | null;
  parties: { id: string; role: string; status: string; reason?: string }[];
  milestones: {
    answeredAt: string | null;
    ivrCompletedAt: string | null;
    /** The IRS voice check: when it was asked, and when the caller's answer passed it (speech or the control API). */
    voiceCheckAt: string | null;
    voiceCheckAnsweredAt: string | null;
    holdStartAt: string | null;
    agentPickupAt: string | null;
    transferReceivedAt: string | null;
    firmAnsweredAt: string | null;
    hangupAt: string | null;
    hangupBy: string | null;
  };
  timeline: { at: string; event: string; by?: string; detail?: Record<string, unknown> }[];
  plan: unknown;
}

export function callReport(session: SimSession): CallReport {
  const lineEntries = session.line?.timeline() ?? [];
  const timeline = [
    ...session.timeline.map((e) => ({ ...e, source: 0 })),
    ...lineEntries.map((e) => ({ at: e.at, event: e.event, ...(e.by ? { by: e.by } : {}), ...(e.detail ? { detail: e.detail } : {}), source: 1 })),
  ]
    .sort((a, b) => a.at - b.at || a.source - b.source)
    .map(({ source: _source, at, ...rest }) => ({ at: new Date(at).toISOString(), ...rest }));

  const first = (...names: string[]): { at: string; by?: string } | undefined => timeline.find((e) => names.includes(e.event));
  const hangup = first('hangup', 'busy', 'no-answer');
  const dialed = session.timeline.find((e) => e.event === 'dialed');
  return {
    telephonySessionId: session.id,
    sessionId: session.sessionId,
    origin: session.origin,
    to: (dialed?.detail?.to as string | undefined) ?? session.line?.toNumber,
    callerExtensionId: session.callerExtensionId,
    deviceId: session.callerDeviceId,
    createdAt: session.creationTime,
    endedAt: session.endedAt === undefined ? null : new Date(session.endedAt).toISOString(),
    phase: session.line?.phase ?? null,
    parties: session.parties.map((p) => ({ id: p.id, role: p.role, status: p.status.code, ...(p.status.reason ? { reason: p.status.reason } : {}) })),
    milestones: {
      answeredAt: first('answered')?.at ?? null,
      ivrCompletedAt: first('ivr-completed')?.at ?? null,
      voiceCheckAt: first('voice-check')?.at ?? null,
      voiceCheckAnsweredAt: timeline.find((e) => e.event === 'voice-check-answered' && !e.detail?.ignored)?.at ?? null,
      holdStartAt: first('hold-start')?.at ?? null,
      agentPickupAt: first('agent-pickup')?.at ?? null,
      transferReceivedAt: first('transfer-received')?.at ?? null,
      firmAnsweredAt: first('firm-answered')?.at ?? null,
      hangupAt: hangup?.at ?? null,
      hangupBy: hangup?.by ?? null,
    },
    timeline,
    plan: session.line?.plan ?? null,
  };
}
