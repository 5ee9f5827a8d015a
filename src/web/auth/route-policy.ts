/**
 * THE access policy: one row per route of the app — who may call it and, for changes, what the audit log calls
 * it. `authGate` looks every request up here before any handler runs; a request that matches no row is refused
 * (404, and a warning in the log), so a route someone adds without a row here fails closed. The test
 * test/web/auth-route-policy.test.ts walks `app.routes` and fails when a route has no row.
 *
 * Adding a route: add `'<METHOD> <path as registered with Hono>': { access, audit? }` below. Paths use Hono's
 * `:param` and trailing `*`. When several rows match a request, the strictest wins, then the most specific.
 *
 * access: `public` (anyone: health, static files, login), `webhook` (the RingCentral webhook, which checks its own
 * verification token), `metrics` (METRICS_TOKEN bearer or an admin), or the least role: viewer reads, operator
 * runs hunts, admin manages users, settings, extensions, queues and destinations.
 */
import type { Role } from './roles.ts';

export type Access = 'public' | 'webhook' | 'metrics' | Role;

export interface RoutePolicy {
  access: Access;
  /** The audit log's name for a change made through this route (non-GET routes are audited by default). */
  audit?: string;
  /** Audit at most one entry per caller and target in this window (routes called as a stream, e.g. talk audio). */
  auditEveryMs?: number;
  /**
   * A catch-all for paths no other row knows: signed-in callers get the gate's 404 and no handler runs, so a
   * route added under it without a row of its own is never served.
   */
  fallback?: true;
}

const viewer = (audit?: string): RoutePolicy => ({ access: 'viewer', ...(audit ? { audit } : {}) });
const operator = (audit?: string): RoutePolicy => ({ access: 'operator', ...(audit ? { audit } : {}) });
const admin = (audit?: string): RoutePolicy => ({ access: 'admin', ...(audit ? { audit } : {}) });
const open: RoutePolicy = { access: 'public' };

export const ROUTE_POLICY: Record<string, RoutePolicy> = {
  // ---- Public: health, assets, login, first-admin setup, webhook (own token), metrics (own token)
  'GET /healthz': open,
  'GET /readyz': open,
  'GET /metrics': { access: 'metrics' },
  // The API reference (src/web/api-docs.tsx): for anyone signed in or holding a token.
  'GET /openapi.json': { access: 'viewer' },
  'GET /docs': { access: 'viewer' },
  'GET /static/:file': open,
  'GET /favicon.ico': open,
  'GET /firm-logo': open,
  'GET /login': open,
  'POST /login': { access: 'public', audit: 'login' },
  'GET /setup': open,
  'POST /setup': { access: 'public', audit: 'user.create-first-admin' },
  'POST /webhooks/ringcentral': { access: 'webhook' },

  // ---- Dashboard: reading
  'GET /': viewer(),
  'GET /jobs': viewer(),
  'GET /jobs.csv': viewer(),
  'GET /jobs/:id': viewer(),
  'GET /jobs/:id/events': viewer(),
  'GET /jobs/:id/calls/:callId': viewer(),
  'GET /extensions': viewer(),
  'GET /queues': viewer(),
  'GET /destinations': viewer(),
  'GET /settings/detection': viewer(),
  'GET /pools': viewer(),
  'GET /analytics': viewer(),

  // ---- Dashboard: one's own account
  'POST /logout': viewer('logout'),
  'POST /logout-everywhere': viewer('logout.everywhere'),
  'GET /account': viewer(),
  'POST /account/password': viewer('user.password.own'),
  'POST /account/tokens': viewer('token.create'),
  'POST /account/tokens/:id/revoke': viewer('token.revoke'),

  // ---- Dashboard: running hunts
  'GET /hunts/new': operator(),
  'GET /hunts/estimate': operator(),
  'GET /hunts/free': operator(),
  'POST /hunts': operator('job.start'),
  'POST /jobs/:id/cancel': operator('job.cancel'),
  'POST /jobs/:id/calls/:callId/:command': operator('line.command'),
  'GET /jobs/:id/calls/:callId/listen.wav': operator(),
  // An operator talking posts 100 ms of audio at a time: one entry per line and minute of talking, not ten a second.
  'POST /jobs/:id/calls/:callId/talk': { ...operator('line.talk'), auditEveryMs: 60_000 },

  // ---- Dashboard: administration
  'POST /extensions/sync': admin('directory.sync'),
  'POST /extensions/bulk': admin('extension.bulk'),
  'POST /extensions/:id/enabled': admin('extension.enable'),
  'POST /extensions/:id/release': admin('extension.release'),
  'POST /pools': admin('pool.create'),
  'POST /pools/:id/rename': admin('pool.rename'),
  'POST /pools/:id/delete': admin('pool.delete'),
  'POST /pools/:id/members': admin('pool.members'),
  'POST /pools/:id/members/:extensionId/remove': admin('pool.members'),
  'POST /queues/:ext/default': admin('queue.default'),
  'POST /queues/:ext/number': admin('queue.number'),
  'POST /destinations/preview': admin(),
  'POST /destinations': admin('destination.save'),
  'POST /destinations/:id/default': admin('destination.default'),
  'POST /destinations/:id/delete': admin('destination.delete'),
  'POST /settings/detection/:destinationId': admin('settings.detection'),
  'POST /settings/detection/:destinationId/shadow': admin('settings.detection-shadow'),
  'GET /users': admin(),
  'POST /users': admin('user.create'),
  'POST /users/:username/role': admin('user.role'),
  'POST /users/:username/password': admin('user.password.reset'),
  'POST /users/:username/logout': admin('user.logout-everywhere'),
  'POST /users/:username/unlock': admin('user.unlock'),
  'POST /users/:username/delete': admin('user.delete'),
  'POST /users/tokens/:id/revoke': admin('token.revoke'),
  'GET /audit': admin(),

  // ---- JSON API (/api/v1): unknown API paths answer 404 in the API's shape, to signed-in callers only
  'ALL /api/v1/*': { access: 'viewer', fallback: true },
  'GET /api/v1/me': viewer(),
  'GET /api/v1/jobs': viewer(),
  'GET /api/v1/jobs/:id': viewer(),
  'POST /api/v1/jobs': operator('job.start'),
  'POST /api/v1/jobs/:id/cancel': operator('job.cancel'),
  'POST /api/v1/jobs/:id/calls/:callId/confirm': operator('line.confirm'),
  'POST /api/v1/jobs/:id/calls/:callId/hangup': operator('line.hangup'),
  'POST /api/v1/jobs/:id/calls/:callId/transfer-now': operator('line.transfer-now'),
  'GET /api/v1/jobs/:id/detections': viewer(),
  'GET /api/v1/jobs/:id/detections/:entryId/clip': viewer(),
  'PUT /api/v1/jobs/:id/detections/:entryId/label': operator('detection.label'),
  'GET /api/v1/destinations': viewer(),
  'GET /api/v1/destinations/:id': viewer(),
  'PUT /api/v1/destinations/:id': admin('destination.save'),
  'DELETE /api/v1/destinations/:id': admin('destination.delete'),
  'GET /api/v1/settings/detection/:destinationId': viewer(),
  'PUT /api/v1/settings/detection/:destinationId': admin('settings.detection'),
  'PUT /api/v1/settings/detection/:destinationId/shadow': admin('settings.detection-shadow'),
  'DELETE /api/v1/settings/detection/:destinationId/shadow': admin('settings.detection-shadow'),
  'GET /api/v1/settings/detection/:destinationId/history': viewer(),
  'GET /api/v1/settings/detection/:destinationId/shadow-report': viewer(),
  'GET /api/v1/extensions': viewer(),
  'POST /api/v1/extensions/bulk': admin('extension.bulk'),
  'POST /api/v1/extensions/sync': admin('directory.sync'),
  'GET /api/v1/pools': viewer(),
  'POST /api/v1/pools': admin('pool.create'),
  'GET /api/v1/pools/:id': viewer(),
  'PATCH /api/v1/pools/:id': admin('pool.rename'),
  'DELETE /api/v1/pools/:id': admin('pool.delete'),
  'POST /api/v1/pools/:id/extensions': admin('pool.members'),
  'GET /api/v1/analytics': viewer(),
  'GET /api/v1/users': admin(),
  'POST /api/v1/users': admin('user.create'),
  'PATCH /api/v1/users/:username': admin('user.update'),
  'DELETE /api/v1/users/:username': admin('user.delete'),
  'GET /api/v1/tokens': viewer(),
  'POST /api/v1/tokens': viewer('token.create'),
  'DELETE /api/v1/tokens/:id': viewer('token.revoke'),
  'GET /api/v1/audit': admin(),
};

const STRICTNESS: Record<Access, number> = { public: 0, webhook: 1, metrics: 2, viewer: 3, operator: 4, admin: 5 };

interface CompiledRow {
  key: string;
  method: string;
  pattern: RegExp;
  /** Literal path segments: how specific the row is. */
  literals: number;
  policy: RoutePolicy;
}

export interface MatchedPolicy extends RoutePolicy {
  /** The row's key, e.g. `POST /jobs/:id/cancel`. */
  route: string;
  /** Path parameters by name (for the audit log's target). */
  params: Record<string, string>;
}

/** Looks requests up in a policy table (ROUTE_POLICY unless given). */
export class PolicyTable {
  private readonly rows: CompiledRow[];

  constructor(readonly table: Record<string, RoutePolicy> = ROUTE_POLICY) {
    this.rows = Object.entries(table).map(([key, policy]) => {
      const [method, path] = splitKey(key);
      return { key, method, pattern: compile(path), literals: path.split('/').filter((segment) => segment !== '*' && !segment.startsWith(':')).length, policy };
    });
  }

  /** The strictest row matching the request, or undefined (refuse). HEAD is looked up as GET. */
  match(method: string, path: string): MatchedPolicy | undefined {
    const m = method === 'HEAD' ? 'GET' : method;
    let best: { row: CompiledRow; groups: Record<string, string> } | undefined;
    let fallback: CompiledRow | undefined;
    for (const row of this.rows) {
      if (row.method !== m && row.method !== 'ALL') continue;
      const found = row.pattern.exec(path);
      if (!found) continue;
      if (row.policy.fallback) fallback ??= row;
      else if (!best || outranks(row, best.row)) best = { row, groups: { ...found.groups } };
    }
    if (!best && fallback) return { ...fallback.policy, route: fallback.key, params: {} };
    if (!best) return undefined;
    return { ...best.row.policy, route: best.row.key, params: best.groups };
  }

  /** Whether the table has a row for exactly this registered route (method and Hono path). */
  has(method: string, path: string): boolean {
    return Object.hasOwn(this.table, `${method} ${path}`);
  }
}

/** The stricter row wins; between equally strict rows the more specific one (its own audit name, e.g. talk). */
function outranks(row: CompiledRow, other: CompiledRow): boolean {
  const strictness = STRICTNESS[row.policy.access] - STRICTNESS[other.policy.access];
  return strictness > 0 || (strictness === 0 && row.literals > other.literals);
}

function splitKey(key: string): [string, string] {
  const space = key.indexOf(' ');
  if (space < 0) throw new Error(`route policy key "${key}" must be "<METHOD> <path>"`);
  return [key.slice(0, space), key.slice(space + 1)];
}

function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return `(?<${segment.slice(1).replace(/\W/g, '_')}>[^/]+)`;
      // Literal text, and a literal ":param" inside a segment such as "listen.wav" stays literal.
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  // Hono's "/a/*" also matches "/a".
  return new RegExp(`^${source.endsWith('/.*') ? `${source.slice(0, -3)}(?:/.*)?` : source}$`);
}
