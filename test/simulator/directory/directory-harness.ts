/**
 * A Hono app serving only the directory routes over a real TokenStore, RateLimiter and FaultInjector, with a
 * stand-in call registry, plus a spec check for every reply.
 */
import { Hono } from 'hono';
import { expect } from 'vitest';
import { TokenStore } from '../../../src/simulator/auth/token-store.ts';
import { createDirectory } from '../../../src/simulator/directory/seed-directory.ts';
import { directoryRoutes } from '../../../src/simulator/directory/directory-routes.ts';
import type { ActiveCallView, Directory } from '../../../src/simulator/directory/directory-types.ts';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.ts';
import { Random } from '../../../src/simulator/random.ts';
import { RateLimiter, RINGCENTRAL_DEFAULT_LIMITS, type RateLimitTable } from '../../../src/simulator/rate-limit/rate-limiter.ts';
import { RcError } from '../../../src/simulator/rc-error.ts';
import type { SimContext } from '../../../src/simulator/sim-context.ts';
import type { SimEnv } from '../../../src/simulator/sim-env.ts';
import { expectConforms, loadRcOpenApi } from '../../support/rc-openapi.ts';

export const PUBLIC_URL = 'http://127.0.0.1:5099';
export const SEED = 'directory-test';

const HIGH_LIMITS: RateLimitTable = Object.fromEntries(
  Object.entries(RINGCENTRAL_DEFAULT_LIMITS).map(([group, limit]) => [group, { ...limit, limit: 100_000 }]),
) as RateLimitTable;

export interface HarnessOptions {
  limits?: RateLimitTable;
  sipPort?: number;
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export interface Harness {
  app: Hono<SimEnv>;
  directory: Directory;
  token: string;
  /** Calls the stand-in registry reports, per extension id. */
  activeCalls: Map<number, ActiveCallView[]>;
  /** Points `uri` fields at a real listener (for tests over HTTP). */
  setPublicUrl(publicUrl: string): void;
  get(path: string, init?: { token?: string | null }): Promise<Reply>;
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const directory = createDirectory(SEED);
  const tokens = new TokenStore();
  const token = tokens.issue(tokens.openSession('app', directory.owner().id), 3600, 604800).access_token;
  const activeCalls = new Map<number, ActiveCallView[]>();
  const simOptions = {
    publicUrl: PUBLIC_URL,
    clientId: 'app',
    ...(options.sipPort === undefined ? {} : { sipPort: options.sipPort }),
  };
  const ctx = {
    options: simOptions,
    directory,
    tokens,
    limiter: new RateLimiter(options.limits ?? HIGH_LIMITS),
    faults: new FaultInjector(NO_FAULTS, Random.derive(SEED, 'faults')),
    calls: { activeCallsFor: (extensionId: number) => activeCalls.get(extensionId) ?? [] },
  };

  const app = new Hono<SimEnv>();
  app.use('*', async (c, next) => {
    c.set('sim', ctx as unknown as SimContext);
    await next();
  });
  app.onError((err, c) => {
    if (err instanceof RcError) return c.json(err.body(), err.status, err.headers);
    throw err;
  });
  app.route('/', directoryRoutes());

  return {
    app,
    directory,
    token,
    activeCalls,
    setPublicUrl(publicUrl) {
      simOptions.publicUrl = publicUrl;
    },
    async get(path, init = {}) {
      const bearer = init.token === undefined ? token : init.token;
      const res = await app.request(path, { headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });
      return { status: res.status, body: await res.json(), headers: res.headers };
    },
  };
}

const strict = loadRcOpenApi({ forbidUnknownProperties: true });
const lenient = loadRcOpenApi();

/** Top-level copies of the first error, which real RingCentral sends but the error schemas do not declare. */
const ERROR_TOP_LEVEL = new Set(['/errorCode', '/message', '/parameterName', '/parameterValue']);

/**
 * The reply's body matches the operation's response schema, with no undeclared fields. The directory
 * operations declare no error responses, so error bodies are checked against ParameterizedErrorResponseModel
 * (ApiErrorResponseModel plus parameterName/parameterValue).
 */
export function expectSpec(path: string, reply: Reply): void {
  const pathname = new URL(path, PUBLIC_URL).pathname;
  if (reply.status >= 400) {
    const label = `${reply.status} of GET ${path}`;
    expectConforms(lenient.validateSchema('ParameterizedErrorResponseModel', reply.body), label);
    const unknown = lenient.unknownProperties('ParameterizedErrorResponseModel', reply.body);
    expect(unknown.filter((p) => !ERROR_TOP_LEVEL.has(p)), label).toEqual([]);
  } else {
    expectConforms(strict.validateResponse('GET', pathname, reply.status, reply.body), `GET ${path}`);
  }
}

/** The x-throttling-group the spec gives a GET path. */
export function specGroup(path: string): string | undefined {
  return strict.throttlingGroup('GET', new URL(path, PUBLIC_URL).pathname);
}

/** A path relative to the public URL, from an absolute `uri`. */
export function relative(uri: string): string {
  expect(uri.startsWith(PUBLIC_URL)).toBe(true);
  return uri.slice(PUBLIC_URL.length);
}
