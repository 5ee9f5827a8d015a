/**
 * The pre-drawn fate of one call. Everything random about a call is drawn here, up front, from the call's
 * own stream Random.derive(seed, callKey), always in the same order and whether or not a branch is taken,
 * so a seed replays a call exactly and one call's draws never shift another's. Pure: no clock, no timers.
 */
import { Random } from '../random.ts';
import { agentName, getAgent } from './agents.ts';
import { describeLocalTime, inTooBusyWindow, isOpen, loadFactor, localTime, officeTimeZone } from './calendar.ts';
import type { Range, Scenario, ScenarioName } from './scenario.ts';
import { voiceCheckPrompts, type VoiceCheckKind } from './voice-check-prompts.ts';

/** What happens if the caller navigates the IVR and answers any voice check. */
export type PlannedOutcome = 'busy' | 'no-answer' | 'closed' | 'courtesy-disconnect' | 'hold-drop' | 'agent';

/** JSON-serialisable. `...ModelMs` = model time; `...Ms` = audio / conversation time (not scaled). */
export interface CallPlan {
  seed: number | string;
  callKey: string;
  toNumber: string;
  scenario: ScenarioName;
  outcome: PlannedOutcome;
  calendar: {
    /** Model-time instant of the dial (epoch ms). */
    modelTimeAtDial: number;
    localTime: string;
    open: boolean;
    /** 0..1 */
    load: number;
    tooBusyWindow: boolean;
  };
  network: {
    result: 'answer' | 'busy' | 'no-answer';
    postDialDelayModelMs: number;
    /** Ringing from 'proceeding' until 'answered', 'busy' or 'no-answer' (per `result`). */
    ringModelMs: number;
  };
  courtesy: { probability: number; disconnect: boolean };
  ivr: { greetingModelMs: number };
  voiceCheck: null | {
    kind: VoiceCheckKind;
    promptId: string;
    prompt: string;
    expectedAnswer: string;
    fixture: string;
    responseWindowMs: number;
  };
  hold: {
    medianModelMs: number;
    durationModelMs: number;
    dropPer10Min: number;
    /** Model ms after hold start when the IRS drops the call, if before `durationModelMs`; else null. */
    dropAtModelMs: number | null;
    /** Where in the destination's shared loop this call starts listening (audio ms). */
    loopOffsetMs: number;
  };
  agent: {
    id: string;
    name: string;
    employeeId: string;
    greetingFixture: string;
    helloFixture: string;
    click: boolean;
    preGreetingGapMs: number;
    helloAfterMs: number;
    deadAirHangupMs: number;
  };
}

export interface PlanInput {
  seed: number | string;
  callKey: string;
  toNumber: string;
  scenario: Scenario;
  /** Model-time instant of the dial (epoch ms), for the calendar. */
  modelTime: number;
  /** Length of the destination's hold loop in ms (offsets are drawn within it); default: the scenario's. */
  holdLoopLengthMs?: number;
}

function lerp([at0, at1]: Range, t: number): number {
  return at0 + (at1 - at0) * t;
}

function draw(rng: Random, [min, max]: Range): number {
  return Math.round(rng.uniform(min, max));
}

export function samplePlan(input: PlanInput): CallPlan {
  const { scenario, modelTime } = input;
  const rng = Random.derive(input.seed, input.callKey);
  const cal = scenario.calendar;

  const open = isOpen(cal, modelTime);
  const load = loadFactor(cal, modelTime);
  const tooBusyWindow = inTooBusyWindow(cal, modelTime);

  // Network.
  const net = scenario.network;
  const networkDraw = rng.next();
  const result =
    networkDraw < net.busyProbability
      ? 'busy'
      : networkDraw < net.busyProbability + net.noAnswerProbability
        ? 'no-answer'
        : 'answer';
  const postDialDelayModelMs = draw(rng, net.postDialDelayModelMs);
  const answerRing = draw(rng, net.ringModelMs);
  const busyRing = draw(rng, net.busyAfterModelMs);
  const ringModelMs = result === 'answer' ? answerRing : result === 'busy' ? busyRing : net.noAnswerAfterModelMs;

  // Courtesy disconnect: more likely under load, plus the (unverified) Pacific-afternoon boost.
  const p = scenario.courtesy.probabilityAtLoad;
  const courtesyProbability = Math.min(
    Math.max(p[0], p[1]),
    lerp(p, load) + (tooBusyWindow ? cal.tooBusyBoost : 0),
  );
  const courtesyDisconnect = rng.chance(courtesyProbability);

  const greetingModelMs = draw(rng, scenario.ivr.greetingModelMs);

  // Voice check.
  const vc = scenario.voiceCheck;
  const hasVoiceCheck = rng.chance(vc.probability);
  const kind: VoiceCheckKind = rng.chance(vc.arithmeticShare) ? 'arithmetic' : 'repeat-phrase';
  const prompt = rng.pick(voiceCheckPrompts.filter((q) => q.kind === kind));

  // Hold: lognormal around a load-dependent median, clamped; an exponential time to a drop.
  const h = scenario.hold;
  const medianModelMs = lerp(h.medianMinutesAtLoad, load) * 60_000;
  const durationModelMs = Math.round(
    Math.min(h.maxMinutes * 60_000, Math.max(h.minMinutes * 60_000, rng.lognormal(medianModelMs, h.sigma))),
  );
  const dropPer10Min = lerp(h.dropPer10MinAtLoad, load);
  const dropU = rng.next();
  const dropAt = dropPer10Min > 0 ? (-Math.log(1 - dropU) / -Math.log(1 - dropPer10Min)) * 600_000 : Infinity;
  const dropAtModelMs = dropAt < durationModelMs ? Math.round(dropAt) : null;
  const loopLength = input.holdLoopLengthMs ?? h.loop.lengthMs;
  const loopOffsetMs = Math.floor(rng.uniform(0, loopLength / 20)) * 20;

  // Agent.
  const a = scenario.agent;
  const agent = getAgent(rng.pick(a.roster));
  const click = rng.chance(a.clickProbability);
  const preGreetingGapMs = draw(rng, a.preGreetingGapMs);
  const deadAirHangupMs = draw(rng, a.deadAirHangupMs);

  const outcome: PlannedOutcome =
    result !== 'answer'
      ? result
      : !open
        ? 'closed'
        : courtesyDisconnect
          ? 'courtesy-disconnect'
          : dropAtModelMs !== null
            ? 'hold-drop'
            : 'agent';

  return {
    seed: input.seed,
    callKey: input.callKey,
    toNumber: input.toNumber,
    scenario: scenario.name,
    outcome,
    calendar: {
      modelTimeAtDial: modelTime,
      localTime: describeLocalTime(localTime(modelTime, officeTimeZone(cal.timeZone))),
      open,
      load: Math.round(load * 1000) / 1000,
      tooBusyWindow,
    },
    network: { result, postDialDelayModelMs, ringModelMs },
    courtesy: { probability: Math.round(courtesyProbability * 1000) / 1000, disconnect: courtesyDisconnect },
    ivr: { greetingModelMs },
    voiceCheck: hasVoiceCheck
      ? {
          kind,
          promptId: prompt.id,
          prompt: prompt.prompt,
          expectedAnswer: prompt.expectedAnswer,
          fixture: prompt.fixture,
          responseWindowMs: vc.responseWindowMs,
        }
      : null,
    hold: { medianModelMs: Math.round(medianModelMs), durationModelMs, dropPer10Min, dropAtModelMs, loopOffsetMs },
    agent: {
      id: agent.id,
      name: agentName(agent),
      employeeId: agent.employeeId,
      greetingFixture: agent.greetingFixture,
      helloFixture: agent.helloFixture,
      click,
      preGreetingGapMs,
      helloAfterMs: a.helloAfterMs,
      deadAirHangupMs,
    },
  };
}
