/**
 * Property: whatever arrives at the webhook — random JSON, mutated notifications, wrong or missing tokens, odd
 * header combinations — the receiver never answers 5xx, and it writes to Redis only for a valid, verified
 * notification. Every id of a run carries the run's tag, so the keys this test can cause are countable.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalKeys } from '../../src/store/redis-keys.ts';
import { WEBHOOK_PATH } from '../../src/web/webhook-receiver.ts';
import { WEBHOOK_ADAPTERS } from './webhook-adapters.ts';
import { deleteMatching, notification, runTag, scanKeys, silentLogger, testRedis } from './web-fixtures.ts';
import type { TestRedis } from './web-fixtures.ts';

const TOKEN = 'property-test-token-0c1d';
const tag = runTag();
const RUNS = 2_500;

let db: TestRedis;
beforeAll(() => {
  db = testRedis();
});
afterAll(async () => {
  await deleteMatching(db.redis, globalKeys.webhookSeen(`${tag}*`));
  await deleteMatching(db.redis, globalKeys.parkedEvents(`s-${tag}*`));
  await db.close();
});

type Mutation = (n: ReturnType<typeof notification>) => unknown;

/** Changes that make a notification invalid for certain. */
const mutations: Record<string, Mutation> = {
  dropUuid: ({ uuid: _uuid, ...rest }) => rest,
  numericUuid: (n) => ({ ...n, uuid: 123 }),
  emptyUuid: (n) => ({ ...n, uuid: '' }),
  uuidWithSpace: (n) => ({ ...n, uuid: `${n.uuid} x` }),
  longUuid: (n) => ({ ...n, uuid: `${n.uuid}${'9'.repeat(200)}` }),
  noBody: ({ body: _body, ...rest }) => rest,
  bodyNull: (n) => ({ ...n, body: null }),
  negativeSequence: (n) => ({ ...n, body: { ...n.body, sequence: -1 } }),
  fractionalSequence: (n) => ({ ...n, body: { ...n.body, sequence: 1.5 } }),
  stringSequence: (n) => ({ ...n, body: { ...n.body, sequence: '1' } }),
  noSession: (n) => ({ ...n, body: { ...n.body, telephonySessionId: undefined } }),
  sessionWithSlash: (n) => ({ ...n, body: { ...n.body, telephonySessionId: `${n.body.telephonySessionId}/x` } }),
  noEventTime: (n) => ({ ...n, body: { ...n.body, eventTime: undefined } }),
  partiesNotArray: (n) => ({ ...n, body: { ...n.body, parties: { 0: n.body.parties[0] } } }),
  partyWithoutStatus: (n) => ({ ...n, body: { ...n.body, parties: [{ ...n.body.parties[0], status: undefined }] } }),
  partyBadDirection: (n) => ({ ...n, body: { ...n.body, parties: [{ ...n.body.parties[0], direction: 'Both' }] } }),
  partyEmptyCode: (n) => ({ ...n, body: { ...n.body, parties: [{ ...n.body.parties[0], status: { code: '' } }] } }),
  partyNumericId: (n) => ({ ...n, body: { ...n.body, parties: [{ ...n.body.parties[0], id: 7 }] } }),
  tooManyParties: (n) => ({ ...n, body: { ...n.body, parties: Array.from({ length: 65 }, () => n.body.parties[0]) } }),
};

type BodyKind =
  | { kind: 'valid' }
  | { kind: 'mutated'; mutation: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; value: string }
  | { kind: 'truncated'; cut: number }
  | { kind: 'empty' };

const bodyArb: fc.Arbitrary<BodyKind> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<BodyKind>({ kind: 'valid' }) },
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(mutations)).map<BodyKind>((mutation) => ({ kind: 'mutated', mutation })) },
  { weight: 2, arbitrary: fc.jsonValue().map<BodyKind>((value) => ({ kind: 'json', value })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map<BodyKind>((value) => ({ kind: 'text', value })) },
  { weight: 1, arbitrary: fc.nat({ max: 400 }).map<BodyKind>((cut) => ({ kind: 'truncated', cut })) },
  { weight: 1, arbitrary: fc.constant<BodyKind>({ kind: 'empty' }) },
);

/** undefined = header absent. */
const tokenArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(TOKEN),
  fc.constant(`${TOKEN} `),
  fc.constant(`${TOKEN}x`),
  fc.constant(TOKEN.slice(0, -1)),
  fc.constant(TOKEN.toUpperCase()),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x21-\x7e]*$/.test(s)),
);

const caseArb = fc.record({
  body: bodyArb,
  verification: tokenArb,
  validation: tokenArb,
  contentType: fc.constantFrom('application/json; charset=UTF-8', 'application/json', 'text/plain', undefined),
  sequence: fc.nat({ max: 1000 }),
  code: fc.constantFrom('Setup', 'Proceeding', 'Answered', 'Hold', 'Disconnected', 'Gone', 'SomethingNew'),
  sameSession: fc.boolean(),
});

describe.each(WEBHOOK_ADAPTERS)('the webhook receiver under random input (%s)', (adapter, serveWebhook) => {
  // Each adapter's run has ids of its own (both runs live under the file's tag, which afterAll clears).
  const own = `${tag}${adapter.startsWith('Hono') ? 'h' : 'n'}`;
  it(`never answers 5xx and writes only valid, verified notifications (${RUNS} runs)`, async () => {
    const app = await serveWebhook({ redis: db.redis, verificationToken: TOKEN, log: silentLogger });
    let n = 0;
    const acceptedUuids = new Set<string>();
    const acceptedSessions = new Set<string>();
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        n += 1;
        const uuid = `${own}${n}`;
        const telephonySessionId = `s-${own}-${c.sameSession ? 0 : n}`;
        const valid = notification({ uuid, telephonySessionId, sequence: c.sequence, code: c.code });
        let body: string;
        switch (c.body.kind) {
          case 'valid':
            body = JSON.stringify(valid);
            break;
          case 'mutated':
            body = JSON.stringify(mutations[c.body.mutation]!(valid));
            break;
          case 'json':
            body = JSON.stringify(c.body.value);
            break;
          case 'text':
            body = c.body.value;
            break;
          case 'truncated':
            body = JSON.stringify(valid).slice(0, c.body.cut);
            break;
          case 'empty':
            body = '';
            break;
        }
        const headers: Record<string, string> = {};
        if (c.contentType !== undefined) headers['Content-Type'] = c.contentType;
        if (c.verification !== undefined) headers['Verification-Token'] = c.verification;
        if (c.validation !== undefined) headers['Validation-Token'] = c.validation;

        const response = await app.request(WEBHOOK_PATH, { method: 'POST', headers, body });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);

        // HTTP strips a header value's surrounding whitespace, so "<token> " arrives as the token.
        const presented = (c.verification ?? c.validation)?.trim();
        const isHandshake = c.validation !== undefined && body.trim() === '';
        const shouldStore = !isHandshake && c.body.kind === 'valid' && presented === TOKEN;
        if (isHandshake) {
          expect(response.status === 200 || response.status === 400).toBe(true);
          if (response.status === 200) expect(response.headers.get('validation-token')).toBe(c.validation?.trim());
        } else if (shouldStore) {
          expect(response.status).toBe(200);
          acceptedUuids.add(uuid);
          acceptedSessions.add(telephonySessionId);
        } else {
          expect(response.status).toBeGreaterThanOrEqual(400);
        }
        expect(await db.redis.exists(globalKeys.webhookSeen(uuid))).toBe(shouldStore ? 1 : 0);
      }),
      { numRuns: RUNS },
    );

    // Nothing else under this run's tag: one dedup key per accepted notification, one parked list per session.
    expect(await scanKeys(db.redis, globalKeys.webhookSeen(`${own}*`))).toHaveLength(acceptedUuids.size);
    expect(new Set(await scanKeys(db.redis, globalKeys.parkedEvents(`s-${own}*`)))).toEqual(
      new Set([...acceptedSessions].map((sid) => globalKeys.parkedEvents(sid))),
    );
    const parkedTotal = (await Promise.all([...acceptedSessions].map((sid) => db.redis.llen(globalKeys.parkedEvents(sid))))).reduce((a, b) => a + b, 0);
    expect(parkedTotal).toBe(acceptedUuids.size);
    // The run exercised every outcome.
    expect(acceptedUuids.size).toBeGreaterThan(50);
    for (const status of [200, 400, 401]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    await app.close();
  }, 60_000);
});
