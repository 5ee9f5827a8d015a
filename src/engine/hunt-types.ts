/** The words of a hunt, shared by the engine, the API and the views. */
import type { TransferTarget } from '../telephony/telephony-port.ts';

/** One IVR step: press `digits` `afterMs` after the previous step (the first: after the IRS answers). */
export interface IvrStep {
  digits: string;
  afterMs: number;
}

export interface Destination {
  id: string;
  name: string;
  /** E.164. */
  phoneNumber: string;
  ivr: IvrStep[];
  isDefault?: boolean;
}

/** The PPS script from research: 1 as soon as the IRS answers, 2 about 45 s later. */
export const PPS_IVR: IvrStep[] = [
  { digits: '1', afterMs: 2_000 },
  { digits: '2', afterMs: 45_000 },
];

export const PPS_DESTINATION: Destination = {
  id: 'irs-pps',
  name: 'IRS Practitioner Priority Service',
  phoneNumber: '+18668604259',
  ivr: PPS_IVR,
  isDefault: true,
};

export type HandoffMode = 'transfer' | 'standby-bridge';

export interface JobSpec {
  id: string;
  destination: Destination;
  target: TransferTarget;
  /** 1–70 lines held at once. */
  lines: number;
  /** Extensions this job may dial from (hand-picked or from a pool), in preference order. */
  extensionIds: string[];
  /** The named pool the extensions came from, if one was chosen (its name as it was then). */
  pool?: { id: string; name: string };
  /** The call queue the hunt was for, when its transfer number replaced the queue in `target` (queue usage). */
  forQueue?: string;
  handoff: HandoffMode;
  /** Epoch ms at which the job ends cleanly if no agent was reached (default 3 h after start). */
  deadlineAt: number;
  /**
   * Time between the first dials of consecutive lines (default DIAL_STAGGER_MS). Softphone lines cost no REST
   * quota, so they start 100 ms apart: a 70-line job has every line ringing within seconds.
   */
  dialStaggerMs?: number;
  /**
   * How live agents are recognised: `audio` = the detector listens to every softphone line; `manual` = call-out
   * lines carry no audio to the product, so an operator confirms the live line (jobs before this field: manual).
   */
  detection?: DetectionMode;
  createdAt: number;
  createdBy: string;
}

export type JobStatus = 'starting' | 'hunting' | 'connecting' | 'completed' | 'cancelled' | 'failed';

export type CallStatus =
  | 'queued'
  | 'dialing'
  | 'ivr'
  | 'holding'
  | 'suspected-live'
  | 'confirmed'
  | 'transferring'
  | 'transferred'
  | 'cleaning'
  | 'cleaned'
  | 'failed';

export interface CallView {
  callId: string;
  status: CallStatus;
  extensionId?: string;
  telephonySessionId?: string;
  attempt: number;
  /** Epoch ms of entering each status this call has been in (latest entry wins). */
  since: Partial<Record<CallStatus, number>>;
  confidence?: number;
  endReason?: string;
}

export type DetectionMode = 'audio' | 'manual';

/** Why an operator is needed on a line now (the IRS voice check: the machine never answers it). */
export interface OperatorAlert {
  callId: string;
  kind: 'voice-check';
  at: number;
}

export interface JobView {
  id: string;
  status: JobStatus;
  spec: JobSpec;
  calls: CallView[];
  /** How this job recognises live agents, in words an operator reads. */
  detection: { mode: DetectionMode; note: string };
  alerts: OperatorAlert[];
  winnerCallId?: string;
  endedAt?: number;
  outcome?: string;
}
