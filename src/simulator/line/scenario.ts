/**
 * The parameters of the PPS line model. Every number of the model lives here so a scenario can change it.
 * Each field says whether it is a FACT (source named in shared/research/irs-line-and-detection.md),
 * ASSUMED (a reasonable default with no public source) or DESIGN (a choice of the simulator, not a claim
 * about the IRS). Time units: `...ModelMs` is model time (divided by SIM_TIME_SCALE on the wall clock);
 * `...Ms` without "Model" is audio or interaction time, never scaled (see docs/simulator-line-model.md).
 */

export type ScenarioName =
  | 'default'
  | 'peak'
  | 'quiet'
  | 'voice-check'
  | 'closed'
  | 'all-busy'
  | 'fast-agent'
  | 'flaky-network';

/** [min, max], drawn uniformly unless a field says otherwise. */
export type Range = [number, number];

/** Faults the REST side injects (probabilities 0..1 per webhook / per API request); all 0 except 'flaky-network'. */
export interface FaultProfile {
  webhookLoss: number;
  webhookDuplication: number;
  webhookReorder: number;
  /** Extra webhook delivery delay, wall ms. */
  webhookDelayMs: Range;
  api5xx: number;
  api429: number;
}

export interface CalendarParams {
  /** DESIGN: the caller's IANA time zone; PPS hours are the caller's local time (FACT: irs.gov PPS page). */
  timeZone: string;
  /** FACT (irs.gov, IRM 21.3.10): open Monday..Friday (0 = Sunday). Federal holidays are not modelled. */
  openWeekdays: number[];
  /** FACT (irs.gov): 7:00-19:00 local, as [open, close) minutes after midnight. */
  hours: Range;
  /** FACT (irs.gov): Puerto Rico 8:00-20:00. */
  puertoRicoHours: Range;
  /** DESIGN: the model-time instant the scenario pretends it is, local 'YYYY-MM-DDTHH:mm' in `timeZone`. */
  defaultStart: string;
  /**
   * DESIGN: false = the calendar stays at the start instant for the whole run (a scenario describes a moment);
   * true = model time advances from it (a long run can cross closing time or a season).
   */
  advances: boolean;
  /**
   * ASSUMED values, FACT shape: filing season January..mid-April and a May..June rush are busiest
   * (legalclarity.org, NTA). Index 0 = January.
   */
  monthLoad: number[];
  /** ASSUMED values, FACT shape: Mondays and Tuesdays worst (legalclarity.org). Index 0 = Sunday. */
  weekdayLoad: number[];
  /** ASSUMED values, FACT shape: just after 7:00 and late afternoon best (legalclarity.org). Index = local hour. */
  hourLoad: number[];
  /** Practitioner claim, UNVERIFIED (prior repo): "too busy" rejections cluster 12:30-15:30 Pacific; minutes. */
  tooBusyWindowPacific: Range;
  /** ASSUMED: added to the courtesy-disconnect probability inside that window (capped at the load-1 value). */
  tooBusyBoost: number;
}

export interface NetworkParams {
  /** ASSUMED, anchored on SIP post-dial delay < 2 s on business VoIP (sipfront.com): dial -> 'proceeding'. */
  postDialDelayModelMs: Range;
  /** ASSUMED: ringing before the IRS switch answers. */
  ringModelMs: Range;
  /** ASSUMED 1-3% (irs-line-model.md): SIP 486 / TargetBusy. */
  busyProbability: number;
  /** ASSUMED < 1%: rings out. */
  noAnswerProbability: number;
  /** ASSUMED: 'proceeding' -> 'busy'. */
  busyAfterModelMs: Range;
  /** ASSUMED: ringing time before 'no-answer' (carrier no-answer timers are typically about 60 s). */
  noAnswerAfterModelMs: number;
}

export interface CourtesyParams {
  /**
   * FACT range (research section 4, simulation notes; AICPA: 69% of members had received one): the
   * probability of a "too busy, call back later" disconnect at load 0 and load 1, interpolated linearly.
   */
  probabilityAtLoad: Range;
  /** ASSUMED: pause between the end of a closing recording (courtesy, closed, goodbye) and the IRS hang-up. */
  hangupAfterMessageModelMs: number;
}

export interface IvrOption {
  digit: string;
  /** Id of the next menu, or 'queue' (the IVR is done). */
  next: string;
  label: string;
}

/** One DTMF menu, as data. */
export interface IvrMenu {
  id: string;
  /** Fixture id of the prompt recording. */
  promptFixture: string;
  options: IvrOption[];
  /** DESIGN: digit that replays the prompt without counting as a failed attempt (null: none). */
  repeatDigit: string | null;
  /**
   * ASSUMED 10 s: how long the menu waits for a digit after its prompt. Real time, not scaled: the caller's
   * engine keys digits on its own wall clock.
   */
  timeoutMs: number;
  /** ASSUMED 2: replays after a timeout or a wrong digit before "goodbye" and a hang-up. */
  repeats: number;
}

export interface IvrParams {
  /** ASSUMED 25-45 s: greeting plus disclosures before the first menu (at least the recordings' length). */
  greetingModelMs: Range;
  /** DESIGN after FACT (prior repo scripts 1 then 2; public description: individual vs business first). */
  menus: IvrMenu[];
  /**
   * ASSUMED (common IVR behaviour): digits pressed before a menu starts are kept and consumed by the next
   * menus, so the prior MVP's "press 1 at once" works during the greeting.
   */
  typeAhead: boolean;
  /** Fixture played before a replay after a wrong digit. */
  invalidFixture: string;
  /** Fixture played before the 'ivr-timeout' hang-up. */
  goodbyeFixture: string;
}

export interface VoiceCheckParams {
  /** FACT: piloted on PPS since Oct 2022, current status unknown (research section 1.1); default 0 is ASSUMED. */
  probability: number;
  /** ASSUMED: share of 'arithmetic' checks (else 'repeat-phrase'); both kinds are FACT. */
  arithmeticShare: number;
  /** ASSUMED about 5 s: silence after the beep before "we could not verify" (conversation time, not scaled). */
  responseWindowMs: number;
}

export interface HoldLoopParams {
  /** ASSUMED "a few minutes": length of the shared loop of music and announcements (audio time). */
  lengthMs: number;
  /** FACT-derived (research section 4 simulation notes): gap of music between announcements (audio time). */
  announcementEveryMs: Range;
  /** ASSUMED: silence between the English announcement and its Spanish repeat (FACT: EN then ES). */
  languageGapMs: number;
  /** ASSUMED rate, FACT phenomenon (callers report ringing mid-hold): ringback burst after an announcement. */
  ringbackBurstProbability: number;
  /** ASSUMED: length of such a burst (one 2 s ring and the start of its pause). */
  ringbackBurstMs: number;
  /** ASSUMED rate, FACT phenomenon (false cue for detectors): silence gap inside a music stretch. */
  silenceGapProbability: number;
  /** ASSUMED: length of such a gap. */
  silenceGapMs: Range;
}

export interface HoldParams {
  /**
   * FACT range: median hold 10 min (FY2023 all lines ~13 min, FS2024 3-8 min) to 25 min (FY2022 PPS 25 min
   * average) at load 0 and load 1, interpolated linearly.
   */
  medianMinutesAtLoad: Range;
  /**
   * ASSUMED 0.8: log-space sigma of the lognormal, chosen so the tail passes 2 h (FACT: LITC report of
   * 2 h 03 m and 2 h 08 m holds).
   */
  sigma: number;
  /** ASSUMED: clamp of the drawn hold time. */
  minMinutes: number;
  maxMinutes: number;
  /** ASSUMED ~1% per 10 min at load 0, higher at peak: probability that the IRS drops a held call per 10 min. */
  dropPer10MinAtLoad: Range;
  loop: HoldLoopParams;
}

export interface AgentParams {
  /** DESIGN: agent ids from the roster (agents.ts); each has its own voice, unlike the announcements. */
  roster: string[];
  /** ASSUMED: probability that a pickup starts with a click (else plain silence). */
  clickProbability: number;
  /** ASSUMED 0.2-0.6 s: silence between the music stopping and the greeting (audio time). */
  preGreetingGapMs: Range;
  /** ASSUMED about 5 s: dead air after the greeting before "Hello? Is anyone there?" (conversation time). */
  helloAfterMs: number;
  /** ASSUMED 10-20 s: dead air after the greeting before the agent hangs up (conversation time). */
  deadAirHangupMs: Range;
}

export interface Scenario {
  name: ScenarioName;
  description: string;
  calendar: CalendarParams;
  network: NetworkParams;
  courtesy: CourtesyParams;
  ivr: IvrParams;
  voiceCheck: VoiceCheckParams;
  hold: HoldParams;
  agent: AgentParams;
  /** DESIGN: faults for the REST side to inject; not used by the line model itself. */
  faults: FaultProfile;
}
