/** The pure statecharts of a hunt and the helpers the engine hosts them with. */
export { callMachine } from './call.machine.ts';
export type { CallContext, CallEvent, CallHistoryEntry, CallInput, Verdict } from './call.machine.ts';
export { jobMachine, callIdOf } from './job.machine.ts';
export type { JobContext, JobEvent, JobOutcome, LineRecord } from './job.machine.ts';
export { MACHINE_VERSION } from './hunt-protocol.ts';
export type { HuntEvent, Intent, JobInput, JobSummary, PartySide, TimerName } from './hunt-protocol.ts';
export {
  IncrementalPersister,
  IntentGapError,
  callContext,
  createJobActor,
  isCompatible,
  joinParts,
  keptIntents,
  pendingIntents,
  persist,
  summarize,
} from './job-snapshot.ts';
export type { CallSummary, CreateJobActorOptions, JobActor, JobSummaryDetail, PersistedChild, SnapshotParts, StoredJobSnapshot } from './job-snapshot.ts';
export * from './hunt-rules.ts';
export type { IntentDraft, LineCommand, LineReport } from './line-protocol.ts';
