/** The engine types the board reads, in one import. */
export type { CallStatus, CallView, JobView } from '../../src/engine/hunt-types.ts';
export type { TransferTarget as TransferTargetLike } from '../../src/telephony/telephony-port.ts';
