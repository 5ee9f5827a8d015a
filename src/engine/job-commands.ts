/**
 * What the API (on any instance) may ask of a hunt. Implementations route each command to the job's owner
 * through the job's Redis stream, so it is applied in order with the telephony events.
 */
import type { TransferTarget } from '../telephony/telephony-port.ts';
import type { HandoffMode, JobView } from './hunt-types.ts';

export interface CreateJobRequest {
  destinationId?: string;
  target?: TransferTarget;
  lines: number;
  extensionIds?: string[];
  pool?: string;
  handoff?: HandoffMode;
  /** Minutes from now; default 180. */
  deadlineMinutes?: number;
}

export type OperatorCommand =
  | { type: 'cancel' }
  | { type: 'confirm'; callId: string }
  | { type: 'hangup'; callId: string }
  | { type: 'transfer-now'; callId: string };

export interface JobCommands {
  create(request: CreateJobRequest, by: string): Promise<JobView>;
  list(): Promise<JobView[]>;
  get(jobId: string): Promise<JobView | undefined>;
  /** Queues an operator command for the owner; resolves once it is durably queued. */
  send(jobId: string, command: OperatorCommand, by: string): Promise<void>;
}

/** Refusals the API turns into 4xx answers with this message. */
export class JobRequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'JobRequestError';
  }
}
