/**
 * Whom a SIP user part names, as the call registry takes it: a phone number (`+18668604259`, `18668604259`,
 * `8668604259`) or, failing that, one of the account's extension or queue numbers (`101`, `801`).
 */
import { parseDialString } from '../telephony/dial-string.ts';

export type DialTarget = { phoneNumber: string } | { extensionNumber: string };

export function dialTarget(user: string): DialTarget | undefined {
  const decoded = safeDecode(user);
  if (/^\+?[0-9]{7,15}$/.test(decoded) && parseDialString(decoded)) return { phoneNumber: decoded };
  if (/^[0-9]{1,6}$/.test(decoded)) return { extensionNumber: decoded };
  return undefined;
}

/** SIP URIs may percent-encode the user part (`%2B1866…`). */
function safeDecode(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}
