import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectConforms, loadRcOpenApi, rcOpenApiLoadStats } from './rc-openapi.ts';
import type { Violation } from './rc-openapi.ts';

const ACC = '/restapi/v1.0/account/~';
const SESSION = `${ACC}/telephony/sessions/s-54a38392c79849dab4a25fe8040edd53`;
const PARTY = `${SESSION}/parties/p-54a38392c79849dab4a25fe8040edd53-1`;

// Samples from /work/shared/research/ringcentral.md (§1, §2, §4).
const callSession = () => ({
  session: {
    id: 's-54a38392c79849dab4a25fe8040edd53',
    creationTime: '2019-08-19T11:42:21Z',
    origin: { type: 'CallOut' },
    parties: [
      {
        id: 'p-54a38392c79849dab4a25fe8040edd53-1',
        direction: 'Outbound',
        status: { code: 'Setup' },
        from: { deviceId: '803469127021', extensionId: '297277020', name: 'John Smith', phoneNumber: '+18885287464' },
        to: { phoneNumber: '+18005550100' },
      },
    ],
  },
});

const subscriptionInfo = () => ({
  uri: 'https://platform.ringcentral.com/restapi/v1.0/subscription/dd2f0ff2-0c1a-4b1e-9a53-1f0e6a1c2b3d',
  id: 'dd2f0ff2-0c1a-4b1e-9a53-1f0e6a1c2b3d',
  creationTime: '2026-01-05T15:00:00.162Z',
  status: 'Active',
  eventFilters: ['/restapi/v1.0/account/400111222333/telephony/sessions'],
  expirationTime: '2026-01-12T15:00:00.177Z',
  expiresIn: 604799,
  deliveryMode: { transportType: 'WebHook', encryption: false, address: 'https://host/rc/webhook' },
});

const notification = () => ({
  uuid: '7377306105983288370',
  event: '/restapi/v1.0/account/400111222333/telephony/sessions',
  timestamp: '2026-01-05T15:01:12.704Z',
  subscriptionId: '2461434a-276a-4073-bd26-34089effbad5',
  ownerId: '400111222333',
  body: {
    sequence: 4,
    sessionId: '429182699016',
    telephonySessionId: 's-c23b203d62db4f6aaee00717bafa99be',
    serverId: '10.13.22.243.TAM',
    eventTime: '2026-01-05T15:01:12.663Z',
    origin: { type: 'CallOut' },
    parties: [
      {
        accountId: '400111222333',
        id: 'p-c23b203d62db4f6aaee00717bafa99be-2',
        direction: 'Inbound',
        to: { phoneNumber: '+18005550100' },
        from: { phoneNumber: '+12125550123', name: 'Hold Hunter 1', extensionId: '400111222444' },
        status: { code: 'Answered', rcc: false },
        park: {},
        missedCall: false,
        standAlone: false,
        muted: false,
      },
    ],
  },
});

const tokenInfo = () => ({
  access_token: 'AT1',
  token_type: 'bearer',
  expires_in: 3600,
  refresh_token: 'RT1',
  refresh_token_expires_in: 604800,
  scope: 'CallControl ReadAccounts SubscriptionWebhook',
  owner_id: '400111222444',
  endpoint_id: 'ep-1',
  session_id: 'sess-1',
});

const paging = { page: 1, perPage: 100, pageStart: 0, pageEnd: 0, totalPages: 1, totalElements: 1 };
const navigation = { firstPage: { uri: 'http://127.0.0.1:5555/restapi/v1.0/account/1/extension?page=1' } };

function paths(vs: Violation[]): string[] {
  return vs.map((v) => v.instancePath);
}

describe('loadRcOpenApi', () => {
  it('loads the spec quickly, memoised per option set', () => {
    const t0 = performance.now();
    const api = loadRcOpenApi();
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(5000);
    expect(rcOpenApiLoadStats()?.source).toMatch(/^(yaml|cache)$/);
    expect(loadRcOpenApi()).toBe(api);
    expect(loadRcOpenApi({ forbidUnknownProperties: false })).toBe(api);
    const strict = loadRcOpenApi({ forbidUnknownProperties: true });
    expect(strict).not.toBe(api);
    expect(loadRcOpenApi({ forbidUnknownProperties: true })).toBe(strict);
  });

  it('writes the parsed-spec cache under node_modules/.cache keyed by package version', () => {
    loadRcOpenApi();
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('ringcentral-open-api-parser/package.json'));
    const cache = join(dirname(pkgDir), '.cache', 'rc-openapi.json');
    expect(existsSync(cache)).toBe(true);
    const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(readFileSync(cache, 'utf8').slice(0, 200)).toContain(`ringcentral-open-api-parser@${version}`);
  });

  it('lists the component schemas we rely on', () => {
    const names = new Set(loadRcOpenApi().schemaNames());
    for (const n of [
      'TokenInfo', 'CallSession', 'CallSessionObject', 'CallParty', 'CallStatusInfo', 'SubscriptionInfo',
      'SubscriptionListResource', 'GetExtensionListResponse', 'GetExtensionInfoResponse', 'CallQueueList',
      'CallQueueDetails', 'CallQueueMembers', 'CallQueuePresence', 'GetPresenceInfo', 'PresenceInfoResponse',
      'GetExtensionDevicesResponse', 'SipInfoResource', 'AccountTelephonySessionsEvent',
      'ExtensionTelephonySessionsEvent', 'ApiErrorResponseModel', 'MakeCallOutRequest',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
    expect(names.size).toBeGreaterThan(1000);
  });

  it('throws for an unknown schema name', () => {
    expect(() => loadRcOpenApi().validateSchema('NoSuchSchema', {})).toThrow(/no schema named 'NoSuchSchema'/);
    expect(() => loadRcOpenApi().unknownProperties('NoSuchSchema', {})).toThrow(/NoSuchSchema/);
  });
});

describe('validateSchema: valid samples pass', () => {
  const api = loadRcOpenApi();
  it.each([
    ['CallSession', callSession()],
    ['SubscriptionInfo', subscriptionInfo()],
    ['AccountTelephonySessionsEvent', notification()],
    ['ExtensionTelephonySessionsEvent', notification()],
    ['TokenInfo', tokenInfo()],
    ['ApiErrorResponseModel', { errorCode: 'CMN-102', message: 'Resource not found', errors: [{ errorCode: 'CMN-102', message: 'Resource not found' }] }],
  ])('%s', (name, sample) => {
    expect(api.validateSchema(name, sample)).toEqual([]);
    expect(api.unknownProperties(name, sample)).toEqual(name === 'ApiErrorResponseModel' ? ['/errorCode', '/message'] : []);
  });

  it('list responses with paging and int64 ids', () => {
    const ext = { id: 400111222444, uri: 'http://127.0.0.1:5555/restapi/v1.0/account/1/extension/400111222444', extensionNumber: '101', name: 'Agent', type: 'User', status: 'Enabled' };
    expectConforms(api.validateSchema('GetExtensionListResponse', { uri: 'http://127.0.0.1:5555/x', records: [ext], paging, navigation }));
    expectConforms(api.validateSchema('CallQueueList', { uri: 'http://127.0.0.1:5555/x', records: [{ id: '500', extensionNumber: '500', name: 'Q', status: 'Enabled' }], paging, navigation }));
    expectConforms(api.validateSchema('CallQueueMembers', { uri: 'http://127.0.0.1:5555/x', records: [{ id: 400111222444, extensionNumber: '101' }], paging, navigation }));
    expectConforms(api.validateSchema('CallQueuePresence', { records: [{ member: { id: '400111222444', name: 'Agent', extensionNumber: '101' }, acceptQueueCalls: true, acceptCurrentQueueCalls: true }] }));
    expectConforms(api.validateSchema('GetExtensionDevicesResponse', { records: [{ id: '802512345678', type: 'OtherPhone', status: 'Online', name: 'Existing Phone', extension: { id: 400111222444, extensionNumber: '101' } }], paging, navigation }));
  });

  it('handles OpenAPI nullable', () => {
    const api2 = loadRcOpenApi();
    expect(api2.rawSchema('PhoneNumberType').nullable).toBe(true);
    expect(api2.validateSchema('PhoneNumberType', null)).toEqual([]);
    expect(api2.validateSchema('PhoneNumberType', 'VoiceOnly')).toEqual([]);
    expect(api2.validateSchema('PhoneNumberType', 'Nope')).not.toEqual([]);
  });
});

describe('validateSchema: broken samples fail with useful messages', () => {
  const api = loadRcOpenApi();

  it('wrong type for id', () => {
    const s = callSession();
    (s.session.parties[0] as Record<string, unknown>).id = 42;
    const vs = api.validateSchema('CallSession', s);
    expect(vs).toHaveLength(1);
    expect(vs[0]).toMatchObject({ instancePath: '/session/parties/0/id', schemaPath: '#/components/schemas/CallParty/properties/id/type' });
    expect(vs[0]!.message).toBe('must be string, got integer 42');
  });

  it('string id where the spec says int64 number', () => {
    const vs = api.validateSchema('GetExtensionListResponse', { records: [{ id: '400111222444' }] });
    expect(vs[0]).toMatchObject({ instancePath: '/records/0/id', message: expect.stringContaining('must be integer') });
  });

  it('missing required field', () => {
    const sub: Record<string, unknown> = subscriptionInfo();
    delete sub.id;
    expect(api.validateSchema('SubscriptionInfo', sub)).toEqual([
      { instancePath: '', message: "must have required property 'id'", schemaPath: '#/components/schemas/SubscriptionInfo/required' },
    ]);
    const tok: Record<string, unknown> = tokenInfo();
    delete tok.session_id;
    expect(api.validateSchema('TokenInfo', tok).map((v) => v.message)).toEqual(["must have required property 'session_id'"]);
  });

  it('unknown enum value for status.code lists the allowed values', () => {
    const n = notification();
    (n.body.parties[0]!.status as { code: string }).code = 'Ringing';
    const vs = api.validateSchema('AccountTelephonySessionsEvent', n);
    expect(vs).toHaveLength(1);
    expect(vs[0]!.instancePath).toBe('/body/parties/0/status/code');
    expect(vs[0]!.schemaPath).toBe('#/components/schemas/CallStatusInfo/properties/code/enum');
    expect(vs[0]!.message).toMatch(/^must be one of \[Setup, Proceeding, Answered, .*\], got "Ringing"$/);
  });

  it('discriminated deliveryMode reports the WebHook branch precisely', () => {
    const sub = subscriptionInfo();
    (sub.deliveryMode as Record<string, unknown>).address = undefined;
    delete (sub.deliveryMode as Record<string, unknown>).address;
    const vs = api.validateSchema('SubscriptionInfo', sub);
    expect(vs).toContainEqual({ instancePath: '/deliveryMode', message: "must have required property 'address'", schemaPath: '#/components/schemas/WebhookDeliveryMode/required' });
  });

  it('formats: date-time, int32 range, int64 integrality', () => {
    expect(paths(api.validateSchema('CallSessionObject', { creationTime: 'yesterday' }))).toEqual(['/creationTime']);
    expect(api.validateSchema('TokenInfo', { ...tokenInfo(), expires_in: 2 ** 40 })[0]?.message).toMatch(/must match format "int32"/);
    expect(paths(api.validateSchema('GetExtensionListResponse', { records: [{ id: 1.5 }] }))).toContain('/records/0/id');
  });

  it('expectConforms throws a readable error, capped at 20 lines', () => {
    expect(() => expectConforms([])).not.toThrow();
    expect(() => expectConforms({ violations: [] })).not.toThrow();
    const vs = api.validateSchema('CallParty', { id: 1, direction: 'Sideways' });
    expect(() => expectConforms(vs, 'party')).toThrow(/party does not conform .*2 violations[\s\S]*\/id: must be string[\s\S]*\/direction: must be one of \[Inbound, Outbound\]/);
    const many = Array.from({ length: 25 }, (_, i) => ({ instancePath: `/x${i}`, message: 'bad', schemaPath: '#' }));
    let msg = '';
    try {
      expectConforms(many);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('/x19: bad');
    expect(msg).not.toContain('/x20: bad');
    expect(msg).toContain('and 5 more');
  });
});

describe('unknownProperties', () => {
  const api = loadRcOpenApi();

  it('finds invented fields anywhere, through $ref, arrays and allOf', () => {
    const s = callSession();
    const party = s.session.parties[0] as Record<string, unknown>;
    party.stauts = { code: 'Setup' };
    (party.status as Record<string, unknown>).reasn = 'x';
    (s as Record<string, unknown>).extra = 1;
    expect(api.unknownProperties('CallSession', s).sort()).toEqual(['/extra', '/session/parties/0/status/reasn', '/session/parties/0/stauts']);
    // CallQueueDetails = allOf(CallQueueInfo, {editableMemberStatus, alertTimer, ...})
    expect(api.unknownProperties('CallQueueDetails', { id: '1', name: 'Q', editableMemberStatus: true, alertTimer: 5, membres: [] })).toEqual(['/membres']);
  });

  it('event parties have no deviceId in from/to (CallPartyShortInfo)', () => {
    const n = notification();
    (n.body.parties[0]!.from as Record<string, unknown>).deviceId = '803469127021';
    expect(api.unknownProperties('AccountTelephonySessionsEvent', n)).toEqual(['/body/parties/0/from/deviceId']);
  });

  it('follows the discriminator for deliveryMode', () => {
    const sub = subscriptionInfo();
    (sub.deliveryMode as Record<string, unknown>).verificationToken = 's3cret';
    expect(api.unknownProperties('SubscriptionInfo', sub)).toEqual(['/deliveryMode/verificationToken']);
  });

  it('forbidUnknownProperties turns them into violations', () => {
    const strict = loadRcOpenApi({ forbidUnknownProperties: true });
    const s = { ...callSession(), sesion: {} };
    expect(api.validateSchema('CallSession', s)).toEqual([]);
    expect(strict.validateSchema('CallSession', s)).toEqual([
      { instancePath: '/sesion', message: 'unknown property (not declared by the schema)', schemaPath: '#/unknownProperties' },
    ]);
    const r = strict.validateResponse('POST', `${ACC}/telephony/call-out`, 201, s);
    expect(paths(r.violations)).toEqual(['/sesion']);
  });
});

describe('validateResponse', () => {
  const api = loadRcOpenApi();

  it.each([
    ['POST', `${ACC}/telephony/call-out`, 201, 'createCallOutCallSession', 'CallSession'],
    ['GET', SESSION, 200, 'readCallSessionStatus', 'CallSessionObject'],
    ['GET', PARTY, 200, 'readCallPartyStatus', 'CallParty'],
    ['PATCH', PARTY, 200, 'updateCallParty', 'CallParty'],
    ['POST', `${PARTY}/hold`, 200, 'holdCallParty', 'CallParty'],
    ['POST', `${PARTY}/unhold`, 200, 'unholdCallParty', 'CallParty'],
    ['POST', `${PARTY}/transfer`, 200, 'transferCallParty', 'CallParty'],
    ['POST', `${PARTY}/bridge`, 200, 'bridgeCallParty', 'CallParty'],
    ['POST', '/restapi/oauth/token', 200, 'getToken', 'TokenInfo'],
    ['GET', `${ACC}/extension`, 200, 'listExtensions', 'GetExtensionListResponse'],
    ['GET', `${ACC}/extension/400111222444`, 200, 'readExtension', 'GetExtensionInfoResponse'],
    ['GET', `${ACC}/extension/~/device`, 200, 'listExtensionDevices', 'GetExtensionDevicesResponse'],
    ['GET', `${ACC}/extension/400111222444/presence`, 200, 'readUserPresenceStatus', 'GetPresenceInfo'],
    ['GET', `${ACC}/call-queues`, 200, 'listCallQueues', 'CallQueueList'],
    ['GET', `${ACC}/call-queues/500`, 200, 'readCallQueueInfo', 'CallQueueDetails'],
    ['GET', `${ACC}/call-queues/500/members`, 200, 'listCallQueueMembers', 'CallQueueMembers'],
    ['GET', `${ACC}/call-queues/500/presence`, 200, 'readCallQueuePresence', 'CallQueuePresence'],
    ['POST', '/restapi/v1.0/subscription', 200, 'createSubscription', 'SubscriptionInfo'],
    ['GET', '/restapi/v1.0/subscription', 200, 'listSubscriptions', 'SubscriptionListResource'],
    ['GET', '/restapi/v1.0/subscription/dd2f0ff2-0c1a', 200, 'readSubscription', 'SubscriptionInfo'],
    ['PUT', '/restapi/v1.0/subscription/dd2f0ff2-0c1a', 200, 'updateSubscription', 'SubscriptionInfo'],
    ['POST', '/restapi/v1.0/subscription/dd2f0ff2-0c1a/renew', 200, 'renewSubscription', 'SubscriptionInfo'],
    ['GET', `${ACC}/device/802512345678/sip-info`, 200, 'readDeviceSipInfo', 'SipInfoResource'],
    ['GET', SESSION, 404, 'readCallSessionStatus', 'ApiErrorResponseModel'],
    ['POST', `${PARTY}/hold`, 409, 'holdCallParty', 'ParameterizedErrorResponseModel'],
  ] as const)('%s %s %i → %s / %s', (method, path, status, operationId, schemaName) => {
    const r = api.validateResponse(method, path, status, undefined);
    expect(r.operationId).toBe(operationId);
    expect(r.schemaName).toBe(schemaName);
  });

  it('validates the body against the resolved schema', () => {
    expectConforms(api.validateResponse('POST', `${ACC}/telephony/call-out`, 201, callSession()));
    expectConforms(api.validateResponse('GET', SESSION, 200, callSession().session));
    expectConforms(api.validateResponse('POST', '/restapi/v1.0/subscription', 200, subscriptionInfo()));
    const bad = api.validateResponse('POST', `${PARTY}/hold`, 200, { id: 'p-1', status: { code: 'OnHold' } });
    expect(bad.violations.map((v) => v.instancePath)).toEqual(['/status/code']);
    expect(api.validateResponse('GET', SESSION, 404, { errors: [] }).violations[0]?.message).toMatch(/must NOT have fewer than 1 items/);
  });

  it('accepts full URLs, query strings and trailing slashes', () => {
    expect(api.validateResponse('get', 'http://127.0.0.1:5555/restapi/v1.0/account/400111222333/extension?page=2&perPage=10', 200, { records: [] }))
      .toEqual({ operationId: 'listExtensions', schemaName: 'GetExtensionListResponse', violations: [] });
    expect(api.findOperation('GET', `${SESSION}/`)?.params).toEqual({ accountId: '~', telephonySessionId: 's-54a38392c79849dab4a25fe8040edd53' });
  });

  it('204 responses carry no body', () => {
    expect(api.validateResponse('DELETE', SESSION, 204, undefined)).toEqual({ operationId: 'deleteCallSession', violations: [] });
    expect(api.validateResponse('DELETE', PARTY, 204, '')).toEqual({ operationId: 'deleteCallParty', violations: [] });
    expect(api.validateResponse('DELETE', '/restapi/v1.0/subscription/abc', 204, undefined).operationId).toBe('deleteSubscription');
    const v = api.validateResponse('DELETE', SESSION, 204, { ok: true });
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]!.message).toMatch(/status 204 must have no body/);
  });

  it('revoke answers 200 with no declared body', () => {
    expect(api.validateResponse('POST', '/restapi/oauth/revoke', 200, undefined)).toEqual({ operationId: 'revokeToken', violations: [] });
  });

  it('token endpoint 400 uses the inline OAuth error schema', () => {
    const ok = api.validateResponse('POST', '/restapi/oauth/token', 400, {
      error: 'invalid_grant', error_description: 'Token is expired', errorCode: 'OAU-211', message: 'Token is expired',
      errors: [{ errorCode: 'OAU-211', message: 'Token is expired' }],
    });
    expect(ok).toEqual({ operationId: 'getToken', violations: [] });
    const bad = api.validateResponse('POST', '/restapi/oauth/token', 400, { error: 'bad_grant', errors: [{ errorCode: 'OAU-211', message: 'x' }] });
    expect(bad.schemaName).toBeUndefined();
    expect(bad.violations).toEqual([expect.objectContaining({ instancePath: '/error', schemaPath: '#/components/responses/OauthInvalidRequest/content/application~1json/schema/allOf/0/properties/error/enum' })]);
  });

  it('throws clearly for undeclared status, unknown path or method', () => {
    expect(() => api.validateResponse('POST', `${ACC}/telephony/call-out`, 429, {})).toThrow(
      /createCallOutCallSession \(POST \/restapi\/v1.0\/account\/\{accountId\}\/telephony\/call-out\) declares no response for status 429; declared: 201, 503/,
    );
    expect(() => api.validateResponse('GET', '/restapi/v1.0/nope', 200, {})).toThrow(/no GET operation for \/restapi\/v1.0\/nope \(no path template matches\)/);
    expect(() => api.validateResponse('PUT', SESSION, 200, {})).toThrow(/no PUT operation .*telephony\/sessions\/\{telephonySessionId\} \[GET, DELETE\]/);
  });

  it('a literal segment beats a path parameter', () => {
    expect(api.findOperation('POST', `${SESSION}/parties/bring-in`)?.operationId).toBe('createCallPartyWithBringIn');
    expect(api.findOperation('GET', `${SESSION}/parties/bring-in`)?.operationId).toBe('readCallPartyStatus');
  });
});

describe('throttlingGroup', () => {
  const api = loadRcOpenApi();
  it.each([
    ['POST', `${ACC}/telephony/call-out`, 'Heavy'],
    ['GET', SESSION, 'Light'],
    ['DELETE', SESSION, 'Light'],
    ['POST', `${PARTY}/transfer`, 'Light'],
    ['POST', '/restapi/v1.0/subscription', 'Medium'],
    ['POST', '/restapi/v1.0/subscription/abc/renew', 'Light'],
    ['GET', `${ACC}/extension`, 'Medium'],
    ['GET', `${ACC}/call-queues`, 'Medium'],
    ['GET', `${ACC}/extension/~/presence`, 'Light'],
    ['POST', '/restapi/oauth/token', 'Auth'],
    ['POST', '/restapi/oauth/revoke', 'Auth'],
    ['GET', '/restapi/v1.0/nope', undefined],
  ])('%s %s → %s', (method, path, group) => {
    expect(api.throttlingGroup(method, path)).toBe(group);
  });
});

describe('the OpenAPI → Ajv transform', () => {
  it('compiles every component schema', () => {
    const api = loadRcOpenApi();
    const failures: string[] = [];
    for (const name of api.schemaNames()) {
      try {
        api.validateSchema(name, {});
      } catch (e) {
        failures.push(`${name}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
