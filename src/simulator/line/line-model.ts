/**
 * The IRS Practitioner Priority Service line as the simulator's telephony side sees it: dial a number,
 * get a LineCall whose fate was drawn from (seed, callKey) under a scenario.
 */
import type { SimClock } from '../sim-clock.ts';
import { loadFixtures, type FixtureLibrary } from './audio/fixture-library.ts';
import { zonedEpoch } from './calendar.ts';
import { samplePlan, type CallPlan } from './call-plan.ts';
import { buildHoldLoop, type HoldLoop } from './hold-loop.ts';
import { LineCall } from './line-call.ts';
import type { Scenario } from './scenario.ts';

export interface LineModelOptions {
  seed: number | string;
  scenario: Scenario;
  clock: SimClock;
  /**
   * Model-time instant (epoch ms) the scenario pretends it is, for the calendar and load. Default: the
   * scenario's `calendar.defaultStart` (default: Tuesday 10:00 Eastern in March; peak: Monday noon mid-March;
   * quiet: 7:05 on an August Wednesday; closed: Saturday 10:00).
   */
  startModelTime?: number;
  /** Directory of the speech fixtures (tests); default: the committed src/simulator/line/fixtures. */
  fixtureDir?: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Hold loops are pure functions of (seed, number, loop parameters): share them across models. */
const loopCache = new Map<string, HoldLoop>();
const LOOP_CACHE_SIZE = 8;

export class LineModel {
  readonly seed: number | string;
  readonly scenario: Scenario;
  readonly clock: SimClock;
  readonly startModelTime: number;
  private readonly startWall: number;
  private readonly fixtures: FixtureLibrary;

  constructor(opts: LineModelOptions) {
    this.seed = opts.seed;
    this.scenario = opts.scenario;
    this.clock = opts.clock;
    this.startModelTime =
      opts.startModelTime ?? zonedEpoch(opts.scenario.calendar.defaultStart, opts.scenario.calendar.timeZone);
    this.startWall = opts.clock.now();
    this.fixtures = loadFixtures(opts.fixtureDir);
  }

  /** The model-time instant (epoch ms) at wall time `wallMs`: fixed, or advancing with the scenario's calendar. */
  modelTime(wallMs = this.clock.now()): number {
    if (!this.scenario.calendar.advances) return this.startModelTime;
    return this.startModelTime + (wallMs - this.startWall) * this.clock.timeScale;
  }

  /** The plan a call dialed now would get (pure: no call is created). */
  plan(callKey: string, toNumber: string): CallPlan {
    return samplePlan({
      seed: this.seed,
      callKey,
      toNumber,
      scenario: this.scenario,
      modelTime: this.modelTime(),
      holdLoopLengthMs: this.holdLoop(toNumber).durationMs,
    });
  }

  /** Places a call to `toNumber` (E.164); `callKey` (unique, stable) seeds the call's own random stream. */
  dial(callKey: string, toNumber: string): LineCall {
    if (!E164.test(toNumber)) throw new Error(`expected an E.164 number like +18668604259, got "${toNumber}"`);
    return new LineCall(callKey, toNumber, this.plan(callKey, toNumber), {
      clock: this.clock,
      scenario: this.scenario,
      fixtures: this.fixtures,
      holdLoop: () => this.holdLoop(toNumber),
    });
  }

  /** The shared hold loop of a destination number (music + announcements): what every held line hears. */
  holdLoop(toNumber: string): HoldLoop {
    const key = JSON.stringify([this.seed, toNumber, this.scenario.hold.loop]);
    let loop = loopCache.get(key);
    if (!loop) {
      loop = buildHoldLoop({ seed: this.seed, toNumber, params: this.scenario.hold.loop, fixtures: this.fixtures });
      if (loopCache.size >= LOOP_CACHE_SIZE) loopCache.delete(loopCache.keys().next().value as string);
      loopCache.set(key, loop);
    }
    return loop;
  }
}
