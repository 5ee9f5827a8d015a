import { describe, expect, it } from 'vitest';
import {
  samplePlan,
  scenarios,
  zonedEpoch,
  type CallPlan,
  type ScenarioName,
} from '../../../src/simulator/line/index.ts';
import { PPS } from './helpers.ts';

function plans(name: ScenarioName, n: number, seed: number | string = 1): CallPlan[] {
  const scenario = scenarios[name];
  const modelTime = zonedEpoch(scenario.calendar.defaultStart, scenario.calendar.timeZone);
  return Array.from({ length: n }, (_, i) =>
    samplePlan({ seed, callKey: `call-${i}`, toNumber: PPS, scenario, modelTime }),
  );
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const MIN = 60_000;

describe('call plan sampler', () => {
  it('is deterministic per (seed, callKey) and JSON-serialisable', () => {
    const [a] = plans('default', 1, 'seed-x');
    const [b] = plans('default', 1, 'seed-x');
    expect(a).toEqual(b);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    const other = plans('default', 2, 'seed-x')[1];
    expect(other).not.toEqual(a);
    expect(plans('default', 1, 'seed-y')[0]).not.toEqual(a);
  });

  it('draws default hold times with a 10-25 min median and a tail past 2 h', () => {
    const holds = plans('default', 2000).map((p) => p.hold.durationModelMs);
    const median = quantile(holds, 0.5);
    expect(median).toBeGreaterThanOrEqual(10 * MIN);
    expect(median).toBeLessThanOrEqual(25 * MIN);
    expect(quantile(holds, 0.99)).toBeGreaterThan(120 * MIN);
    expect(Math.max(...holds)).toBeLessThanOrEqual(scenarios.default.hold.maxMinutes * MIN);
  });

  it('scales disconnects and holds with load: peak > default > quiet', () => {
    const summary = (name: ScenarioName) => {
      const ps = plans(name, 2000);
      return {
        courtesy: ps.filter((p) => p.courtesy.disconnect).length / ps.length,
        median: quantile(ps.map((p) => p.hold.durationModelMs), 0.5),
      };
    };
    const [peak, def, quiet] = [summary('peak'), summary('default'), summary('quiet')];
    expect(peak.courtesy).toBeGreaterThan(0.85);
    expect(quiet.courtesy).toBeGreaterThan(0.15);
    expect(quiet.courtesy).toBeLessThan(0.35);
    expect(peak.courtesy).toBeGreaterThan(def.courtesy);
    expect(def.courtesy).toBeGreaterThan(quiet.courtesy);
    expect(peak.median).toBeGreaterThan(def.median);
    expect(def.median).toBeGreaterThan(quiet.median);
    expect(quantile(plans('peak', 2000).map((p) => p.hold.durationModelMs), 0.5)).toBeLessThanOrEqual(26 * MIN);
  });

  it('gives most default calls a disconnect rather than an assistor (16-35% reach one)', () => {
    const ps = plans('default', 2000);
    const reached = ps.filter((p) => p.outcome === 'agent').length / ps.length;
    expect(reached).toBeGreaterThan(0.16);
    expect(reached).toBeLessThan(0.35);
    expect(ps.some((p) => p.outcome === 'hold-drop')).toBe(true);
    expect(ps.some((p) => p.network.result === 'busy')).toBe(true);
  });

  it('follows each scenario', () => {
    expect(plans('all-busy', 200).every((p) => p.outcome === 'busy')).toBe(true);
    const closed = plans('closed', 200);
    expect(closed.every((p) => !p.calendar.open && (p.outcome === 'closed' || p.network.result !== 'answer'))).toBe(true);
    expect(closed.filter((p) => p.outcome === 'closed').length).toBeGreaterThan(180);
    expect(plans('default', 200).every((p) => p.calendar.open && p.voiceCheck === null)).toBe(true);
    const vc = plans('voice-check', 200);
    expect(vc.every((p) => p.voiceCheck !== null)).toBe(true);
    expect(new Set(vc.map((p) => p.voiceCheck?.kind))).toEqual(new Set(['repeat-phrase', 'arithmetic']));
    const fast = plans('fast-agent', 500);
    expect(fast.every((p) => p.hold.durationModelMs >= MIN && p.hold.durationModelMs <= 3 * MIN)).toBe(true);
    expect(fast.every((p) => p.hold.dropAtModelMs === null && p.network.result === 'answer')).toBe(true);
    expect(fast.filter((p) => p.outcome === 'agent').length).toBeGreaterThan(450);
  });

  it('picks varied agents and loop offsets on 20 ms frames', () => {
    const ps = plans('default', 300);
    expect(new Set(ps.map((p) => p.agent.id)).size).toBe(scenarios.default.agent.roster.length);
    expect(ps.every((p) => p.hold.loopOffsetMs % 20 === 0)).toBe(true);
    expect(ps.every((p) => /^\d{10}$/.test(p.agent.employeeId))).toBe(true);
  });
});
