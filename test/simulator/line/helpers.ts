/** Shared helpers of the line-model tests. */
import { ManualClock } from '../../../src/simulator/sim-clock.ts';
import {
  LineModel,
  getScenario,
  type CallPlan,
  type LineCall,
  type LineEvent,
  type ScenarioName,
} from '../../../src/simulator/line/index.ts';

export const PPS = '+18668604259';
/** ManualClock's default start: Tuesday 3 March 2026, 15:00 UTC. */
export const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);

export function setup(scenario: ScenarioName, seed: number | string = 7, timeScale = 1) {
  const clock = new ManualClock(T0, timeScale);
  const model = new LineModel({ seed, scenario: getScenario(scenario), clock });
  return { clock, model };
}

/** The first callKey 'k0', 'k1', ... whose plan satisfies `want`. */
export function findKey(model: LineModel, want: (p: CallPlan) => boolean, limit = 2000): string {
  for (let i = 0; i < limit; i++) {
    const key = `k${i}`;
    if (want(model.plan(key, PPS))) return key;
  }
  throw new Error('no callKey with the wanted plan');
}

/** Records every event with the wall time it arrived. */
export function collect(call: LineCall, clock: ManualClock): { at: number; e: LineEvent }[] {
  const events: { at: number; e: LineEvent }[] = [];
  call.on((e) => events.push({ at: clock.now(), e }));
  return events;
}

/** The caller's script of the prior MVP: '1' when the IRS answers, '2' 45 s (model) later. */
export function mvpScript(call: LineCall, clock: ManualClock): void {
  call.on((e) => {
    if (e.type !== 'answered') return;
    call.sendDtmf('1');
    clock.setTimer(() => {
      if (call.phase === 'ivr') call.sendDtmf('2');
    }, clock.toWall(45_000));
  });
}

export function entry(call: LineCall, event: string) {
  return call.timeline().find((t) => t.event === event);
}

export function types(events: { e: LineEvent }[]): string[] {
  return events.map(({ e }) => (e.type === 'phase' ? `phase:${e.phase}` : e.type));
}
