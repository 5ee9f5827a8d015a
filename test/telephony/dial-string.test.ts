import { describe, expect, it } from 'vitest';
import { dialString } from '../../src/telephony/dial-string.ts';
import { PPS_DESTINATION, PPS_IVR } from '../../src/engine/hunt-types.ts';
import { parseDialString } from '../../src/simulator/telephony/dial-string.ts';

const IRS = '+18668604259';

describe('dialString', () => {
  it('turns the PPS script into one pause, 1, 22 pauses, 2', () => {
    expect(dialString(IRS, PPS_IVR)).toBe(`${IRS},1${','.repeat(22)}2`);
  });

  it('is the bare number without IVR steps', () => {
    expect(dialString(IRS, [])).toBe(IRS);
  });

  it('rounds to the nearest 2 s pause, with at least one pause before each step', () => {
    expect(dialString(IRS, [{ digits: '1', afterMs: 0 }])).toBe(`${IRS},1`);
    expect(dialString(IRS, [{ digits: '1', afterMs: 5_100 }])).toBe(`${IRS},,,1`);
    expect(dialString(IRS, [{ digits: '1', afterMs: 4_900 }])).toBe(`${IRS},,1`);
    expect(dialString(IRS, [{ digits: '1', afterMs: 2_000 }, { digits: '#', afterMs: 100 }])).toBe(`${IRS},1,#`);
  });

  it('rounds the time since the answer, so rounding errors do not add up over steps', () => {
    const steps = Array.from({ length: 4 }, () => ({ digits: '9', afterMs: 2_900 }));
    // 2.9, 5.8, 8.7, 11.6 s after the answer → pauses 1, 3, 4, 6 (per-gap rounding would give 1, 2, 3, 4).
    expect(dialString(IRS, steps)).toBe(`${IRS},9,,9,9,,9`);
  });

  it('keeps multi-key steps together, with * and #', () => {
    expect(dialString(IRS, [{ digits: '12*#', afterMs: 2_000 }])).toBe(`${IRS},12*#`);
  });

  it('produces what the simulator (and RingCentral call-out) parses as number plus postfix', () => {
    const parsed = parseDialString(dialString(PPS_DESTINATION.phoneNumber, PPS_DESTINATION.ivr));
    expect(parsed).toEqual({ number: IRS, postfix: `,1${','.repeat(22)}2` });
  });

  it('refuses numbers that are not E.164', () => {
    for (const bad of ['18668604259', '+0123456789', '+1 866 860 4259', '+12', '']) {
      expect(() => dialString(bad, [])).toThrow(/E\.164/);
    }
  });

  it('refuses digits other than 0-9, * and #, and bad delays', () => {
    expect(() => dialString(IRS, [{ digits: '1,2', afterMs: 0 }])).toThrow(/step 1 digits/);
    expect(() => dialString(IRS, [{ digits: '1', afterMs: 0 }, { digits: '', afterMs: 0 }])).toThrow(/step 2 digits/);
    expect(() => dialString(IRS, [{ digits: 'A', afterMs: 0 }])).toThrow(/0-9, \* and #/);
    expect(() => dialString(IRS, [{ digits: '1', afterMs: -1 }])).toThrow(/afterMs/);
    expect(() => dialString(IRS, [{ digits: '1', afterMs: Number.NaN }])).toThrow(/afterMs/);
  });
});
