/** Words and order for call and job states, shared by the board, the timeline and the jobs list. */
import type { CallStatus, CallView, JobStatus } from '../../src/engine/hunt-types.ts';

export const CALL_STATUS_LABEL: Record<CallStatus, string> = {
  queued: 'Queued',
  dialing: 'Dialling',
  ivr: 'In the IVR',
  holding: 'On hold',
  'suspected-live': 'Agent suspected',
  confirmed: 'Agent confirmed',
  transferring: 'Transferring',
  transferred: 'Transferred',
  cleaning: 'Hanging up',
  cleaned: 'Hung up',
  failed: 'Failed',
};

export const JOB_STATUS_LABEL: Record<JobStatus, string> = {
  starting: 'Starting',
  hunting: 'Hunting',
  connecting: 'Handing off',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export const FINAL_JOB: ReadonlySet<JobStatus> = new Set(['completed', 'cancelled', 'failed']);
const ENDED_CALL: ReadonlySet<CallStatus> = new Set(['transferred', 'cleaning', 'cleaned', 'failed']);
const CAN_CONFIRM: ReadonlySet<CallStatus> = new Set(['ivr', 'holding', 'suspected-live']);

export function callEnded(status: CallStatus): boolean {
  return ENDED_CALL.has(status);
}

export function canConfirm(status: CallStatus): boolean {
  return CAN_CONFIRM.has(status);
}

/** The states a call went through, in order, with when it entered each. */
export function path(call: Pick<CallView, 'since'>): { status: CallStatus; at: number }[] {
  return (Object.entries(call.since) as [CallStatus, number][]).map(([status, at]) => ({ status, at })).sort((a, b) => a.at - b.at);
}

/** When the call's hold ended (transfer or hang-up), or undefined while it still holds. */
export function holdEnd(call: CallView): number | undefined {
  if (!callEnded(call.status)) return undefined;
  const ends = [call.since.transferring, call.since.transferred, call.since.cleaning, call.since.cleaned, call.since.failed].filter((t): t is number => t !== undefined);
  return ends.length > 0 ? Math.min(...ends) : undefined;
}
