/**
 * A dialled number as RingCentral accepts it: E.164 (`+18668604259`) or North American digits (`18668604259`,
 * `8668604259`), optionally followed by a DTMF postfix of digits, `*`, `#` and `,` pauses.
 */
export interface DialString {
  /** E.164. */
  number: string;
  /** Keys to press after the far end answers; `,` is a pause. */
  postfix: string;
}

export function parseDialString(raw: string): DialString | undefined {
  const match = /^(\+?[0-9]{7,15})((?:,[0-9*#,]*)?)$/.exec(raw.replace(/[\s().-]/g, ''));
  if (!match) return undefined;
  const digits = (match[1] as string).replace('+', '');
  let number: string;
  if ((match[1] as string).startsWith('+')) number = `+${digits}`;
  else if (digits.length === 10) number = `+1${digits}`;
  else if (digits.length === 11 && digits.startsWith('1')) number = `+${digits}`;
  else return undefined;
  if (!/^\+[1-9][0-9]{6,14}$/.test(number)) return undefined;
  return { number, postfix: match[2] ?? '' };
}
