/**
 * Path ids as RingCentral reads them: `~` is the caller's own account or extension; otherwise the id must name
 * an existing resource. Every miss, malformed ids included, is 404 CMN-102 naming the parameter, so a client
 * sees one failure shape (batch ids like `1,2` are not supported and miss the same way).
 */
import { notFound } from '../rc-error.ts';
import type { Directory } from './directory-types.ts';

/** Checks `accountId` is `~` or this account's id. */
export function checkAccountId(directory: Directory, raw: string): void {
  if (raw !== '~' && raw !== directory.accountId) throw notFound('accountId', raw);
}

/** An int64 id from a path segment (`~` → `self`), or a 404 naming `parameter`. */
export function numericId(raw: string, parameter: string, self?: number): number {
  if (raw === '~' && self !== undefined) return self;
  // 15 digits keeps every accepted id exact as a JS number.
  if (!/^\d{1,15}$/.test(raw)) throw notFound(parameter, raw);
  return Number(raw);
}
