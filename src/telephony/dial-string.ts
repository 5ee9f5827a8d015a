/**
 * IVR steps → a call-out number with a DTMF postfix. RingCentral's REST API has no DTMF operation, so in
 * call-out mode the digits ride in the dialled number: `+18668604259,1,,,,2`, each `,` a 2 s pause counted
 * from the moment the far end answers (the common dial-string convention; docs/simulator.md "Assumptions").
 */
import type { IvrStep } from '../engine/hunt-types.ts';

/** One `,` in a dial string. */
export const PAUSE_MS = 2_000;

const E164 = /^\+[1-9][0-9]{6,14}$/;
const DTMF_DIGITS = /^[0-9*#]+$/;

export function dialString(phoneNumber: string, ivr: IvrStep[]): string {
  if (!E164.test(phoneNumber)) {
    throw new Error(`dial string: "${phoneNumber}" is not an E.164 number (+ and 7–15 digits, no leading 0)`);
  }
  let postfix = '';
  // Round each step's time since the answer, not each gap, so rounding errors do not add up over many steps.
  let targetMs = 0;
  let pauses = 0;
  ivr.forEach((step, index) => {
    if (!DTMF_DIGITS.test(step.digits)) {
      throw new Error(`dial string: IVR step ${index + 1} digits "${step.digits}" may contain only 0-9, * and #`);
    }
    if (!Number.isFinite(step.afterMs) || step.afterMs < 0) {
      throw new Error(`dial string: IVR step ${index + 1} afterMs must be a finite number ≥ 0, got ${step.afterMs}`);
    }
    targetMs += step.afterMs;
    // Nearest pause, ties rounding down (45 s → 22 pauses): the key tones themselves take a moment to play.
    // At least one pause per step, so two steps never merge into one key sequence.
    const due = Math.max(pauses + 1, Math.ceil(targetMs / PAUSE_MS - 0.5));
    postfix += ','.repeat(due - pauses) + step.digits;
    pauses = due;
  });
  return phoneNumber + postfix;
}

/** One IVR step of a dial string: wait `afterMs` from the previous step (the first: from the answer), then key. */
export interface DialStep {
  afterMs: number;
  digits: string;
}

/**
 * The inverse of `dialString`: the number to call and the keys to send after the answer. A softphone line sends
 * them itself as RFC 4733 DTMF, at the times the pauses stand for.
 */
export function parseDialString(value: string): { number: string; steps: DialStep[] } {
  const comma = value.indexOf(',');
  const number = comma === -1 ? value : value.slice(0, comma);
  if (!E164.test(number)) throw new Error(`dial string: "${number}" is not an E.164 number`);
  const steps: DialStep[] = [];
  let pauses = 0;
  for (const part of (comma === -1 ? '' : value.slice(comma)).match(/,+|[0-9*#]+|[^,0-9*#]+/g) ?? []) {
    if (part.startsWith(',')) pauses += part.length;
    else if (DTMF_DIGITS.test(part)) {
      steps.push({ afterMs: pauses * PAUSE_MS, digits: part });
      pauses = 0;
    } else throw new Error(`dial string: "${part}" is not DTMF (0-9, * and #)`);
  }
  return { number, steps };
}
