/**
 * The JSON API's reference: `GET /openapi.json` (OpenAPI 3.1) and `GET /docs` (the same, as a plain page served
 * from here: no CDN, no script). The list of operations is read from the app's own routes at request time, so
 * the document never misses or invents one; what each does, and the schemas of request bodies (from the zod
 * schemas the handlers validate with), come from the table below. docs/api.md has the prose.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { z } from 'zod';
import { createJobSchema } from './job-api.ts';
import { destinationSchema } from './destination-api.ts';
import { createPoolSchema, extensionsBulkSchema, poolMembersSchema, renamePoolSchema } from './pool-api.ts';

export const API_BASE = '/api/v1';
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface OperationDoc {
  summary: string;
  tag: string;
  body?: z.ZodType;
  /** Status → what it means (the error shape is shared, see `components.schemas.Error`). */
  responses: Record<string, string>;
  query?: Record<string, string>;
}

const ACCEPTED = { '202': 'Queued on the job’s stream; the owner applies it in order', '400': 'Malformed id', '404': 'No such job' };

/** Keyed `METHOD /path` as the routes are registered (Hono `:param` style), relative to /api/v1. */
export const API_OPERATIONS: Record<string, OperationDoc> = {
  'POST /jobs': { tag: 'jobs', summary: 'Start a hunt', body: createJobSchema, responses: { '201': 'The JobView, with Location', '409': 'Not enough free extensions', '422': 'Unknown destination, target, pool or extension' } },
  'GET /jobs': { tag: 'jobs', summary: 'List hunts, newest first', responses: { '200': '{jobs: JobView[]}' } },
  'GET /jobs/:id': { tag: 'jobs', summary: 'One hunt with its lines', responses: { '200': 'JobView', '404': 'No such job' } },
  'POST /jobs/:id/cancel': { tag: 'jobs', summary: 'Cancel a hunt (every line is hung up)', responses: { ...ACCEPTED, '409': 'The job has ended' } },
  'POST /jobs/:id/calls/:callId/confirm': { tag: 'jobs', summary: 'Confirm a live IRS agent on this line (hand-off follows)', responses: ACCEPTED },
  'POST /jobs/:id/calls/:callId/hangup': { tag: 'jobs', summary: 'Hang up this line (the hunt redials it)', responses: ACCEPTED },
  'POST /jobs/:id/calls/:callId/transfer-now': { tag: 'jobs', summary: 'Confirm and hand this line off now', responses: ACCEPTED },
  'GET /jobs/:id/detections': { tag: 'detection', summary: "The detector's decisions on a hunt's lines", query: { callId: 'only this line' }, responses: { '200': '{jobId, detections}' } },
  'GET /jobs/:id/detections/:entryId/clip': { tag: 'detection', summary: 'The audio around one decision (audio/wav)', responses: { '200': 'audio/wav, 8 kHz μ-law', '404': 'Clips off or expired' } },
  'PUT /jobs/:id/detections/:entryId/label': { tag: 'detection', summary: 'Label a decision for tuning', responses: { '200': 'The decision with its label' } },
  'GET /destinations': { tag: 'destinations', summary: 'Saved numbers to hunt (with their IVR scripts)', responses: { '200': '{destinations}' } },
  'GET /destinations/:id': { tag: 'destinations', summary: 'One destination', responses: { '200': 'Destination', '404': 'No such destination' } },
  'PUT /destinations/:id': { tag: 'destinations', summary: 'Create or replace a destination', body: destinationSchema, responses: { '200': 'Destination' } },
  'DELETE /destinations/:id': { tag: 'destinations', summary: 'Delete a destination', responses: { '204': 'Deleted', '404': 'No such destination' } },
  'GET /extensions': { tag: 'extensions', summary: 'Extensions with availability, tags and pools', responses: { '200': '{extensions}' } },
  'POST /extensions/bulk': { tag: 'extensions', summary: 'Enable/disable and tag many extensions', body: extensionsBulkSchema, responses: { '200': '{enabledChanged?, tagsChanged?}' } },
  'GET /pools': { tag: 'extensions', summary: 'Named pools of extensions', responses: { '200': '{pools}' } },
  'POST /pools': { tag: 'extensions', summary: 'Create a pool', body: createPoolSchema, responses: { '201': 'The pool, with Location', '409': 'Name taken', '422': 'Unknown extension' } },
  'GET /pools/:id': { tag: 'extensions', summary: 'One pool', responses: { '200': 'Pool', '404': 'No such pool' } },
  'PATCH /pools/:id': { tag: 'extensions', summary: 'Rename a pool', body: renamePoolSchema, responses: { '200': 'Pool', '409': 'Name taken' } },
  'DELETE /pools/:id': { tag: 'extensions', summary: 'Delete a pool (its extensions stay)', responses: { '204': 'Deleted', '404': 'No such pool' } },
  'POST /pools/:id/extensions': { tag: 'extensions', summary: "Add or remove a pool's extensions", body: poolMembersSchema, responses: { '200': '{added, removed, pool}' } },
  'GET /me': { tag: 'users', summary: 'Who is calling (user, role)', responses: { '200': 'The caller' } },
  'GET /users': { tag: 'users', summary: 'Users (admin)', responses: { '200': '{users}' } },
  'POST /users': { tag: 'users', summary: 'Create a user (admin)', responses: { '201': 'The user', '409': 'Username taken' } },
  'PATCH /users/:username': { tag: 'users', summary: "Change a user's role, password or status (admin)", responses: { '200': 'The user', '404': 'No such user' } },
  'DELETE /users/:username': { tag: 'users', summary: 'Delete a user (admin)', responses: { '204': 'Deleted', '404': 'No such user' } },
  'GET /tokens': { tag: 'users', summary: 'Your API tokens (admins: everyone’s)', responses: { '200': '{tokens}' } },
  'POST /tokens': { tag: 'users', summary: 'Create an API token (shown once)', responses: { '201': 'The token' } },
  'DELETE /tokens/:id': { tag: 'users', summary: 'Revoke an API token', responses: { '204': 'Revoked', '404': 'No such token' } },
  'GET /audit': { tag: 'users', summary: 'Audit log of changes (admin)', responses: { '200': '{entries}' } },
  'GET /analytics': { tag: 'analytics', summary: 'When the IRS answers, how fast, and how hunts went', query: { from: 'YYYY-MM-DD', to: 'YYYY-MM-DD', destination: 'destination id', tz: 'IANA time zone' }, responses: { '200': 'Analytics' } },
};

export interface RouteInfo {
  method: string;
  path: string;
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['invalid_request', 'unauthorized', 'not_found', 'conflict', 'unprocessable'] },
        message: { type: 'string', description: 'What went wrong, for a person' },
        field: { type: 'string' },
        problems: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

/** The API operations among the app's routes (middleware and catch-alls left out), sorted. */
export function apiOperations(routes: RouteInfo[]): RouteInfo[] {
  const seen = new Set<string>();
  const out: RouteInfo[] = [];
  for (const { method, path } of routes) {
    if (!path.startsWith(`${API_BASE}/`) || path.includes('*') || method === 'ALL') continue;
    const key = `${method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method, path });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

export function openApiDocument(routes: RouteInfo[], info: { version: string; serverUrl?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path } of apiOperations(routes)) {
    const relative = path.slice(API_BASE.length);
    const doc = API_OPERATIONS[`${method} ${relative}`];
    const params = [...relative.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
    const operation: Record<string, unknown> = {
      operationId: `${method.toLowerCase()}${relative.replace(/\/:?(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^\w]/g, '')}`,
      summary: doc?.summary ?? `${method} ${relative} (see docs/api.md)`,
      tags: [doc?.tag ?? relative.split('/')[1] ?? 'api'],
      parameters: [
        ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } })),
        ...Object.entries(doc?.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } })),
      ],
      responses: {
        ...Object.fromEntries(Object.entries(doc?.responses ?? { '200': 'OK' }).map(([status, description]) => [status, { description, ...(Number(status) >= 400 ? errorContent : {}) }])),
        '401': { description: 'No or invalid bearer token / session', ...errorContent },
      },
    };
    if (doc?.body) operation.requestBody = { required: true, content: { 'application/json': { schema: bodySchema(doc.body) } } };
    (paths[relative.replace(/:(\w+)/g, '{$1}')] ??= {})[method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'IRS Hold Hunter API',
      version: info.version,
      description: 'Start and steer hunts, manage destinations, extensions and pools. Bearer token (API_TOKEN or a personal token) in `Authorization`. Errors: `{error: {code, message, field?, problems?}}`.',
    },
    servers: [{ url: `${info.serverUrl ?? ''}${API_BASE}` }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: ERROR_SCHEMA } },
    paths,
  };
}

const errorContent = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

function bodySchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** `/openapi.json` and `/docs` for the app whose routes `routes()` lists (read per request: mounted last, sees all). */
export function apiDocsRoutes(routes: () => RouteInfo[], version = VERSION): Hono {
  const app = new Hono();
  app.get('/openapi.json', (c) => c.json(openApiDocument(routes(), { version })));
  app.get('/docs', (c) => {
    const document = openApiDocument(routes(), { version }) as { info: { title: string; description: string }; paths: Record<string, Record<string, OperationView>> };
    return c.html(<ApiReference document={document} />);
  });
  return app;
}

interface OperationView {
  summary: string;
  tags: string[];
  parameters: { name: string; in: string; description?: string }[];
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { description: string }>;
}

function ApiReference(props: { document: { info: { title: string; description: string }; paths: Record<string, Record<string, OperationView>> } }) {
  const { info, paths } = props.document;
  const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(operations.map((o) => o.op.tags[0] ?? 'api'))];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{info.title}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <main>
          <h1>{info.title}</h1>
          <p>{info.description}</p>
          <p>
            Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Base path <code>{API_BASE}</code>.
          </p>
          {tags.map((tag) => (
            <section>
              <h2>{tag}</h2>
              {operations
                .filter((o) => (o.op.tags[0] ?? 'api') === tag)
                .map(({ path, method, op }) => (
                  <article id={`${method}-${path}`}>
                    <h3>
                      <code>
                        {method.toUpperCase()} {API_BASE}
                        {path}
                      </code>
                    </h3>
                    <p>{op.summary}</p>
                    {op.parameters.length > 0 && (
                      <ul>
                        {op.parameters.map((p) => (
                          <li>
                            <code>{p.name}</code> ({p.in}){p.description ? `: ${p.description}` : ''}
                          </li>
                        ))}
                      </ul>
                    )}
                    {op.requestBody && (
                      <details>
                        <summary>Request body (JSON Schema)</summary>
                        <pre>{JSON.stringify(op.requestBody.content['application/json'].schema, null, 2)}</pre>
                      </details>
                    )}
                    <dl>
                      {Object.entries(op.responses).map(([status, r]) => (
                        <>
                          <dt>{status}</dt>
                          <dd>{r.description}</dd>
                        </>
                      ))}
                    </dl>
                  </article>
                ))}
            </section>
          ))}
        </main>
      </body>
    </html>
  );
}
