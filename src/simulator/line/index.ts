/** The simulator's model of the IRS Practitioner Priority Service line and its audio. */
export type {
  AgentParams,
  CalendarParams,
  CourtesyParams,
  FaultProfile,
  HoldLoopParams,
  HoldParams,
  IvrMenu,
  IvrOption,
  IvrParams,
  NetworkParams,
  Range,
  Scenario,
  ScenarioName,
  VoiceCheckParams,
} from './scenario.ts';
export { getScenario, scenarioNames, scenarios } from './scenarios.ts';
export { LineModel, type LineModelOptions } from './line-model.ts';
export { LineCall } from './line-call.ts';
export type { HangupReason, LineEvent, LinePhase, TimelineEntry } from './line-events.ts';
export { samplePlan, type CallPlan, type PlanInput, type PlannedOutcome } from './call-plan.ts';
export type { HoldLoop, HoldLoopSegment, HoldLoopSegmentKind } from './hold-loop.ts';
export { agents, type Agent } from './agents.ts';
export { voiceCheckPrompts, type VoiceCheckKind, type VoiceCheckPrompt } from './voice-check-prompts.ts';
export { isOpen, loadFactor, localTime, zonedEpoch } from './calendar.ts';
export { FRAME_BYTES, FRAME_MS, SAMPLE_RATE } from './audio/constants.ts';
export { MU_LAW_SILENCE, decodeMuLaw, encodeMuLaw, linearToMuLaw, muLawRms, muLawToLinear } from '../../media/mu-law.ts';
