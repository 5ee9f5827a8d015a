import { describe, expect, it } from 'vitest';
import {
  getScenario,
  isOpen,
  loadFactor,
  localTime,
  scenarioNames,
  scenarios,
  zonedEpoch,
} from '../../../src/simulator/line/index.ts';
import { officeTimeZone } from '../../../src/simulator/line/calendar.ts';

describe('scenarios', () => {
  it('ships the eight named scenarios', () => {
    expect([...scenarioNames].sort()).toEqual(
      ['all-busy', 'closed', 'default', 'fast-agent', 'flaky-network', 'peak', 'quiet', 'voice-check'].sort(),
    );
    for (const name of scenarioNames) {
      expect(scenarios[name].name).toBe(name);
      expect(getScenario(name)).toBe(scenarios[name]);
      expect(scenarios[name].description.length).toBeGreaterThan(10);
    }
  });

  it('rejects an unknown name, listing the valid ones', () => {
    expect(() => getScenario('busy')).toThrow(/unknown scenario "busy"; valid scenarios: default, peak, quiet/);
    expect(() => getScenario('toString')).toThrow(/unknown scenario/);
  });

  it('injects faults only in flaky-network', () => {
    for (const name of scenarioNames) {
      const f = scenarios[name].faults;
      const probabilities = [f.webhookLoss, f.webhookDuplication, f.webhookReorder, f.api5xx, f.api429];
      for (const p of probabilities) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
      if (name === 'flaky-network') expect(probabilities.every((p) => p > 0)).toBe(true);
      else expect([...probabilities, ...f.webhookDelayMs].every((p) => p === 0)).toBe(true);
    }
  });

  it('are frozen', () => {
    expect(() => {
      (scenarios.default.hold as { sigma: number }).sigma = 2;
    }).toThrow();
  });
});

describe('calendar', () => {
  const cal = scenarios.default.calendar;

  it('converts local times across DST', () => {
    expect(zonedEpoch('2026-03-03T10:00', 'America/New_York')).toBe(Date.UTC(2026, 2, 3, 15, 0));
    expect(zonedEpoch('2026-03-16T12:00', 'America/New_York')).toBe(Date.UTC(2026, 2, 16, 16, 0));
    expect(localTime(Date.UTC(2026, 7, 5, 11, 5), 'America/New_York')).toMatchObject({ weekday: 3, hour: 7, minute: 5 });
    expect(() => zonedEpoch('tuesday', 'America/New_York')).toThrow(/local time/);
  });

  it('is open Monday to Friday 7:00-19:00 local', () => {
    const at = (local: string, tz = 'America/New_York') => isOpen({ ...cal, timeZone: tz }, zonedEpoch(local, tz));
    expect(at('2026-03-03T07:00')).toBe(true);
    expect(at('2026-03-03T06:59')).toBe(false);
    expect(at('2026-03-03T18:59')).toBe(true);
    expect(at('2026-03-03T19:00')).toBe(false);
    expect(at('2026-03-07T10:00')).toBe(false); // Saturday
    expect(at('2026-03-08T10:00')).toBe(false); // Sunday
    // Hawaii follows Pacific time: 5:00 in Honolulu is 7:00 (PST) in Los Angeles.
    expect(officeTimeZone('Pacific/Honolulu')).toBe('America/Los_Angeles');
    expect(isOpen({ ...cal, timeZone: 'Pacific/Honolulu' }, zonedEpoch('2026-03-03T07:00', 'America/Los_Angeles'))).toBe(true);
    // Puerto Rico 8:00-20:00.
    expect(at('2026-03-03T07:30', 'America/Puerto_Rico')).toBe(false);
    expect(at('2026-03-03T19:30', 'America/Puerto_Rico')).toBe(true);
  });

  it('loads peak > default > quiet', () => {
    const load = (name: 'peak' | 'default' | 'quiet') =>
      loadFactor(scenarios[name].calendar, zonedEpoch(scenarios[name].calendar.defaultStart, 'America/New_York'));
    expect(load('peak')).toBe(1);
    expect(load('default')).toBeGreaterThan(0.5);
    expect(load('default')).toBeLessThan(1);
    expect(load('quiet')).toBeLessThan(0.2);
  });
});
