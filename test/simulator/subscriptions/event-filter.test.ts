import { describe, expect, it } from 'vitest';
import { matchesEvent, parseEventFilter, parseEventFilters } from '../../../src/simulator/subscriptions/event-filter.ts';
import { RcError } from '../../../src/simulator/rc-error.ts';
import { ACCOUNT_ID, OTHER_EXT, OWNER, ourParty, pstnParty, rejection, sessionEvent } from './hub-fixture.ts';

const ctx = { accountId: ACCOUNT_ID, extensionId: OWNER };

describe('event filter normalisation', () => {
  it.each([
    ['/restapi/v1.0/account/~/telephony/sessions', `/restapi/v1.0/account/${ACCOUNT_ID}/telephony/sessions`],
    [`/restapi/v1.0/account/${ACCOUNT_ID}/telephony/sessions`, `/restapi/v1.0/account/${ACCOUNT_ID}/telephony/sessions`],
    ['/restapi/v1.0/account/~/extension/~/telephony/sessions', `/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OWNER}/telephony/sessions`],
    [`/restapi/v1.0/account/~/extension/${OTHER_EXT}/telephony/sessions`, `/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OTHER_EXT}/telephony/sessions`],
    // The legacy short form gains the /restapi/v1.0 prefix.
    ['/account/~/extension/~/telephony/sessions', `/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OWNER}/telephony/sessions`],
    ['/restapi/v1.0/account/~/telephony/sessions?statusCode=Answered', `/restapi/v1.0/account/${ACCOUNT_ID}/telephony/sessions?statusCode=Answered`],
    [
      '/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true',
      `/restapi/v1.0/account/${ACCOUNT_ID}/extension/${OWNER}/presence?detailedTelephonyState=true`,
    ],
    ['/restapi/v1.0/subscription/~?threshold=86400&interval=3600', '/restapi/v1.0/subscription/~?threshold=86400&interval=3600'],
  ])('%s → %s', (raw, normalized) => {
    expect(parseEventFilter(raw, ctx).normalized).toBe(normalized);
  });

  it('only telephony-session filters deliver', () => {
    expect(parseEventFilter('/restapi/v1.0/account/~/telephony/sessions', ctx).delivers).toBe(true);
    expect(parseEventFilter('/restapi/v1.0/account/~/extension/~/presence', ctx).delivers).toBe(false);
    expect(parseEventFilter('/restapi/v1.0/subscription/~?threshold=60&interval=30', ctx).delivers).toBe(false);
  });

  it('unknown filter paths are 400 SUB-508, listed together', async () => {
    const err = await rejection(() =>
      parseEventFilters(['/restapi/v1.0/account/~/telephony/sessions', '/restapi/v1.0/glip/posts', '/nope'], ctx),
    );
    expect(err).toBeInstanceOf(RcError);
    expect(err).toMatchObject({ status: 400, errorCode: 'SUB-508', message: 'Invalid event filters: [/restapi/v1.0/glip/posts, /nope]' });
  });

  it.each([
    '/restapi/v1.0/account/~/telephony/sessions?color=blue',
    '/restapi/v1.0/account/~/telephony/sessions?statusCode=Ringing',
    '/restapi/v1.0/account/~/telephony/sessions?statusCode=Answered&statusCode=Hold',
    '/restapi/v1.0/account/~/telephony/sessions?direction=Sideways',
    '/restapi/v1.0/account/~/telephony/sessions?phoneNumber=8005550100',
    '/restapi/v1.0/account/~/extension/~/presence?statusCode=Answered',
  ])('bad query options are 400 CMN-101 on eventFilters: %s', async (raw) => {
    expect(await rejection(() => parseEventFilter(raw, ctx))).toMatchObject({
      status: 400,
      errorCode: 'CMN-101',
      message: 'Parameter [eventFilters] value is invalid',
    });
  });

  it("another account's filter is 403 SUB-406", async () => {
    expect(await rejection(() => parseEventFilter('/restapi/v1.0/account/999/telephony/sessions', ctx))).toMatchObject({
      status: 403,
      errorCode: 'SUB-406',
    });
  });
});

describe('event filter matching', () => {
  const account = parseEventFilter('/restapi/v1.0/account/~/telephony/sessions', ctx);
  const mine = parseEventFilter('/restapi/v1.0/account/~/extension/~/telephony/sessions', ctx);
  const other = parseEventFilter(`/restapi/v1.0/account/~/extension/${OTHER_EXT}/telephony/sessions`, ctx);

  it('account level takes every party of the account; extension level only that extension', () => {
    const ours = sessionEvent(1, ourParty());
    const pstn = sessionEvent(2, pstnParty());
    expect(matchesEvent(account, ours, ACCOUNT_ID)).toBe(true);
    expect(matchesEvent(account, pstn, ACCOUNT_ID)).toBe(true);
    expect(matchesEvent(mine, ours, ACCOUNT_ID)).toBe(true);
    expect(matchesEvent(mine, pstn, ACCOUNT_ID)).toBe(false);
    expect(matchesEvent(other, ours, ACCOUNT_ID)).toBe(false);
    expect(matchesEvent(account, sessionEvent(3, pstnParty({ accountId: '1' })), ACCOUNT_ID)).toBe(false);
  });

  it('honours statusCode, direction, missedCall, phoneNumber and withRecordings', () => {
    const answered = sessionEvent(4, pstnParty({ status: { code: 'Answered', rcc: false } }));
    const f = (q: string) => parseEventFilter(`/restapi/v1.0/account/~/telephony/sessions?${q}`, ctx);
    expect(matchesEvent(f('statusCode=Answered'), answered, ACCOUNT_ID)).toBe(true);
    expect(matchesEvent(f('statusCode=Proceeding'), answered, ACCOUNT_ID)).toBe(false);
    expect(matchesEvent(f('direction=Inbound'), answered, ACCOUNT_ID)).toBe(true);
    expect(matchesEvent(f('direction=Outbound'), answered, ACCOUNT_ID)).toBe(false);
    expect(matchesEvent(f('missedCall=true'), answered, ACCOUNT_ID)).toBe(false);
    expect(matchesEvent(f('phoneNumber=%2B18005550100'), answered, ACCOUNT_ID)).toBe(true);
    expect(matchesEvent(f('phoneNumber=%2B18005550199'), answered, ACCOUNT_ID)).toBe(false);
    expect(matchesEvent(f('sipData=true'), answered, ACCOUNT_ID)).toBe(true);
    // The simulator makes no recordings, so a recordings-only filter never matches.
    expect(matchesEvent(f('withRecordings=true'), answered, ACCOUNT_ID)).toBe(false);
  });

  it('presence filters never match telephony events', () => {
    const presence = parseEventFilter('/restapi/v1.0/account/~/extension/~/presence', ctx);
    expect(matchesEvent(presence, sessionEvent(1, ourParty()), ACCOUNT_ID)).toBe(false);
  });
});
