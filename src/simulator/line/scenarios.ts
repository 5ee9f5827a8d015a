/**
 * The named scenarios: seeded parameter sets of the line model. Every value is documented in scenario.ts
 * (fact / assumed / design) and tabulated per scenario in docs/simulator-line-model.md.
 */
import { agents } from './agents.ts';
import { defaultIvrMenus } from './ivr-script.ts';
import type { FaultProfile, Scenario, ScenarioName } from './scenario.ts';

const NO_FAULTS: FaultProfile = {
  webhookLoss: 0,
  webhookDuplication: 0,
  webhookReorder: 0,
  webhookDelayMs: [0, 0],
  api5xx: 0,
  api429: 0,
};

const base: Scenario = {
  name: 'default',
  description: 'A typical filing-season weekday: Tuesday 3 March 2026, 10:00 Eastern.',
  calendar: {
    timeZone: 'America/New_York',
    openWeekdays: [1, 2, 3, 4, 5],
    hours: [7 * 60, 19 * 60],
    puertoRicoHours: [8 * 60, 20 * 60],
    defaultStart: '2026-03-03T10:00',
    advances: false,
    //         Jan   Feb  Mar  Apr   May  Jun  Jul   Aug  Sep   Oct   Nov  Dec
    monthLoad: [0.85, 0.9, 1.0, 0.95, 0.7, 0.7, 0.45, 0.4, 0.45, 0.55, 0.4, 0.35],
    //           Sun  Mon  Tue   Wed   Thu  Fri   Sat
    weekdayLoad: [0, 1.0, 0.95, 0.85, 0.8, 0.75, 0],
    //        0..6 closed        7    8    9     10   11   12   13   14    15    16   17    18   19..23 closed
    hourLoad: [0, 0, 0, 0, 0, 0, 0, 0.3, 0.6, 0.75, 0.8, 0.9, 1.0, 1.0, 0.95, 0.85, 0.7, 0.55, 0.45, 0, 0, 0, 0, 0],
    tooBusyWindowPacific: [12 * 60 + 30, 15 * 60 + 30],
    tooBusyBoost: 0.1,
  },
  network: {
    postDialDelayModelMs: [500, 2000],
    ringModelMs: [2000, 8000],
    busyProbability: 0.02,
    noAnswerProbability: 0.005,
    busyAfterModelMs: [300, 1000],
    noAnswerAfterModelMs: 60_000,
  },
  courtesy: { probabilityAtLoad: [0.2, 0.9], hangupAfterMessageModelMs: 500 },
  ivr: {
    greetingModelMs: [25_000, 45_000],
    menus: defaultIvrMenus,
    typeAhead: true,
    invalidFixture: 'ivr-invalid',
    goodbyeFixture: 'ivr-goodbye',
  },
  voiceCheck: { probability: 0, arithmeticShare: 0.5, responseWindowMs: 5000 },
  hold: {
    medianMinutesAtLoad: [10, 25],
    sigma: 0.8,
    minMinutes: 0.5,
    maxMinutes: 240,
    dropPer10MinAtLoad: [0.01, 0.03],
    loop: {
      lengthMs: 240_000,
      announcementEveryMs: [30_000, 90_000],
      languageGapMs: 600,
      ringbackBurstProbability: 0.3,
      ringbackBurstMs: 3000,
      silenceGapProbability: 0.25,
      silenceGapMs: [800, 2500],
    },
  },
  agent: {
    roster: agents.map((a) => a.id),
    clickProbability: 0.5,
    preGreetingGapMs: [200, 600],
    helloAfterMs: 5000,
    deadAirHangupMs: [10_000, 20_000],
  },
  faults: NO_FAULTS,
};

function variant(name: ScenarioName, description: string, patch: (s: Scenario) => void): Scenario {
  const s = structuredClone(base);
  s.name = name;
  s.description = description;
  patch(s);
  return s;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const scenarios: Record<ScenarioName, Scenario> = deepFreeze({
  default: variant('default', base.description, () => {}),
  peak: variant('peak', 'Filing-season peak: Monday 16 March 2026, noon Eastern (load 1).', (s) => {
    s.calendar.defaultStart = '2026-03-16T12:00';
  }),
  quiet: variant('quiet', 'The best time to call: Wednesday 5 August 2026, 7:05 Eastern.', (s) => {
    s.calendar.defaultStart = '2026-08-05T07:05';
  }),
  'voice-check': variant(
    'voice-check',
    'Default weekday with the spoken human check on every call; ' +
      'courtesy disconnects lowered to 10% so most calls meet it.',
    (s) => {
      s.voiceCheck.probability = 1;
      s.courtesy.probabilityAtLoad = [0.1, 0.1];
    },
  ),
  closed: variant(
    'closed',
    'Outside office hours: Saturday 7 March 2026, 10:00 Eastern; every call hears the closed message.',
    (s) => {
      s.calendar.defaultStart = '2026-03-07T10:00';
    },
  ),
  'all-busy': variant('all-busy', 'Every call gets a network busy (SIP 486).', (s) => {
    s.network.busyProbability = 1;
    s.network.noAnswerProbability = 0;
  }),
  'fast-agent': variant(
    'fast-agent',
    'For demos and tests: agents pick up 1-3 minutes (model time) into hold, few disconnects, no hold drops.',
    (s) => {
      s.network.busyProbability = 0;
      s.network.noAnswerProbability = 0;
      s.courtesy.probabilityAtLoad = [0.05, 0.05];
      s.hold.medianMinutesAtLoad = [1.8, 1.8];
      s.hold.sigma = 0.25;
      s.hold.minMinutes = 1;
      s.hold.maxMinutes = 3;
      s.hold.dropPer10MinAtLoad = [0, 0];
    },
  ),
  'flaky-network': variant(
    'flaky-network',
    'Default line with an unreliable platform: webhooks lost, duplicated, reordered and delayed; ' +
      'API 5xx and 429 bursts.',
    (s) => {
      s.faults = {
        webhookLoss: 0.05,
        webhookDuplication: 0.05,
        webhookReorder: 0.1,
        webhookDelayMs: [50, 3000],
        api5xx: 0.03,
        api429: 0.05,
      };
    },
  ),
});

export const scenarioNames: readonly ScenarioName[] = Object.freeze(Object.keys(scenarios) as ScenarioName[]);

/** The scenario called `name`; throws listing the valid names otherwise. */
export function getScenario(name: string): Scenario {
  if (Object.hasOwn(scenarios, name)) return scenarios[name as ScenarioName];
  throw new Error(`unknown scenario "${name}"; valid scenarios: ${scenarioNames.join(', ')}`);
}
