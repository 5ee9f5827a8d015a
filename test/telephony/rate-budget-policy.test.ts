import { describe, expect, it } from 'vitest';
import {
  REQUEST_PRIORITIES,
  RINGCENTRAL_DEFAULT_POLICY,
  allowance,
  dialDurationEstimate,
  mergePolicy,
  policyFor,
  validatePolicy,
} from '../../src/telephony/rate-budget-policy.ts';
import type { RateBudgetPolicy } from '../../src/telephony/rate-budget-policy.ts';

const table = (policy: RateBudgetPolicy) => REQUEST_PRIORITIES.map((p) => [allowance(policy, 'Light', p), allowance(policy, 'Medium', p), allowance(policy, 'Heavy', p), allowance(policy, 'Auth', p)]);

describe('rate budget policy', () => {
  it('gives each priority its share of the RingCentral defaults (Light, Medium, Heavy, Auth)', () => {
    expect(table(RINGCENTRAL_DEFAULT_POLICY)).toEqual([
      [50, 40, 10, 5], // transfer
      [45, 36, 9, 4], // hangup
      [42, 34, 8, 4], // upkeep (webhook subscription)
      [40, 32, 8, 4], // dial
      [30, 24, 6, 3], // sync
    ]);
  });

  it('keeps Light slots for transfers however many hang-ups come (69 losers, limit 50)', () => {
    const hangups = Math.min(69, allowance(RINGCENTRAL_DEFAULT_POLICY, 'Light', 'hangup'));
    expect(allowance(RINGCENTRAL_DEFAULT_POLICY, 'Light', 'transfer') - hangups).toBeGreaterThanOrEqual(1);
  });

  it('rounds down but never below one, without float surprises', () => {
    const tiny = mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { limits: { Auth: 1, Heavy: 100 }, shares: { sync: 0.29 } });
    expect(REQUEST_PRIORITIES.map((p) => allowance(tiny, 'Auth', p))).toEqual([1, 1, 1, 1, 1]);
    expect(allowance(tiny, 'Heavy', 'sync')).toBe(29);
  });

  it('applies per-credential overrides on top of the defaults', () => {
    const policies = { defaults: RINGCENTRAL_DEFAULT_POLICY, credentials: { big: { limits: { Heavy: 40 } }, fast: { windowMs: 1_000 } } };
    expect(policyFor(policies, 'other')).toBe(RINGCENTRAL_DEFAULT_POLICY);
    expect(policyFor(policies, 'big').limits).toEqual({ Light: 50, Medium: 40, Heavy: 40, Auth: 5 });
    expect(policyFor(policies, 'fast')).toMatchObject({ windowMs: 1_000, limits: RINGCENTRAL_DEFAULT_POLICY.limits });
  });

  it('rejects policies that make no sense', () => {
    expect(() => validatePolicy(RINGCENTRAL_DEFAULT_POLICY)).not.toThrow();
    expect(() => mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { windowMs: 0 })).toThrow(/windowMs/);
    expect(() => mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { limits: { Light: 0 } })).toThrow(/Light limit/);
    expect(() => mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { limits: { Light: 2.5 } })).toThrow(/Light limit/);
    expect(() => mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { shares: { dial: 0 } })).toThrow(/dial share/);
    expect(() => mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { shares: { transfer: 1.5 } })).toThrow(/transfer share/);
    expect(() => mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { shares: { sync: 0.95 } })).toThrow(/sync share exceeds dial/);
  });

  it('estimates how long dialling N lines takes (call-out is Heavy: 8 dials per minute per credential)', () => {
    expect(dialDurationEstimate(0, RINGCENTRAL_DEFAULT_POLICY)).toBe(0);
    expect(dialDurationEstimate(1, RINGCENTRAL_DEFAULT_POLICY)).toBe(0);
    expect(dialDurationEstimate(8, RINGCENTRAL_DEFAULT_POLICY)).toBe(0);
    expect(dialDurationEstimate(9, RINGCENTRAL_DEFAULT_POLICY)).toBe(60_000);
    expect(dialDurationEstimate(70, RINGCENTRAL_DEFAULT_POLICY)).toBe(8 * 60_000);
    expect(dialDurationEstimate(70, RINGCENTRAL_DEFAULT_POLICY, 3)).toBe(2 * 60_000);
    expect(dialDurationEstimate(70, RINGCENTRAL_DEFAULT_POLICY, 9)).toBe(0);
    expect(dialDurationEstimate(70, mergePolicy(RINGCENTRAL_DEFAULT_POLICY, { limits: { Heavy: 100 } }))).toBe(0);
  });
});
