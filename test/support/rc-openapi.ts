/**
 * Conformance oracle: validates simulator responses and webhook notifications against the
 * schemas of RingCentral's official OpenAPI 3.0.3 spec, which ships in
 * `ringcentral-open-api-parser` as `rc-public-openapi.yml`.
 *
 * How the OpenAPI 3.0 dialect is mapped onto Ajv (JSON Schema draft-07):
 * - `nullable: true` becomes `type: [T, 'null']`, and `null` is added to any `enum`.
 *   Only 5 schemas use it, none of them telephony ones.
 * - `$ref` siblings are dropped, as OpenAPI 3.0 says. The only case is
 *   `FaxResponseTo.messageStatus: {type, $ref}`.
 * - A boolean `exclusiveMinimum`/`exclusiveMaximum` becomes the draft-07 numeric form. The
 *   current spec has none.
 * - `discriminator` with `anyOf`/`oneOf`. Ajv's own support needs `oneOf` plus a `const` in
 *   every branch, and RC uses `anyOf` with `enum`. So each mapping becomes an
 *   `if {prop: const} then {$ref}` branch, which gives precise errors. A discriminator value
 *   missing from the mapping still has to match the original anyOf/oneOf. A discriminator on a
 *   base schema (only the Comm* schemas) is dropped, since following it would recurse.
 * - `example`, `x-*`, `description`, `title` and `externalDocs` are stripped. They are removed
 *   only in schema position, so a property that happens to be *named* "description" (like
 *   `CallStatusInfo.description`) or "pattern" survives. Ajv also runs with `strict: false`.
 * - `readOnly`/`writeOnly` stay as annotations. Ajv ignores them, so a writeOnly field in a
 *   response is not flagged.
 * - Formats: ajv-formats covers uri, date-time, email and ipv4. OpenAPI's numeric formats are
 *   typed checks: int32 must be an integer in the int32 range, int64 must be an integer, and
 *   float/double may be any number. binary and password accept any string. `time` allows an
 *   optional zone, because ajv-formats 3 would demand one. Any other format found in the spec
 *   accepts anything.
 * - Patterns compile with `unicodeRegExp: false`. The spec has `^((?!(<|>|\/|\")).)*$`, which
 *   is not a valid regular expression with the `u` flag.
 * - additionalProperties: the spec almost never says, and we do not make validation stricter.
 *   `unknownProperties()` (or `loadRcOpenApi({ forbidUnknownProperties: true })`) lists
 *   property paths that no schema branch declares, which catches field-name typos.
 *
 * Quirks of the schemas we use (see docs/rc-api-conformance.md for the full tables):
 * - CallSession, CallSessionObject, CallParty, CallStatusInfo, the telephony events and their
 *   parties have no `required` properties at all. Only the presence and shape of a field, its
 *   type and its enum values are checked.
 * - Telephony event parties' `from`/`to` are `CallPartyShortInfo` {phoneNumber, name,
 *   extensionId}. It has **no deviceId**, unlike REST `CallParty.from/to` (`PartyInfo`).
 * - The event `timestamp` is a plain string. `body.eventTime` is `date-time`.
 *   `body.sequence` is int64.
 * - Ids: extension, presence `extension.id`, queue-member and device `extension.id` are
 *   int64 numbers. Queue ids (`CallQueueInfo.id`, `CallQueueMember.id`), device ids, party,
 *   session, subscription and account ids are strings.
 * - `GET .../extension/{id}/presence` returns `GetPresenceInfo`, not `PresenceInfoResponse`
 *   (which PUT returns).
 * - `GET .../call-queues/{id}` returns `CallQueueDetails` (allOf CallQueueInfo + extras).
 * - `ProvisioningSiteInfo.id` (extension `site`) and `DepartmentInfo.id` are declared
 *   `format: uri`, though real ids are numeric strings. Omit `site` in extension records or
 *   this oracle flags it.
 * - `GetExtensionDevicesResponse` requires navigation + paging + records, but not uri.
 *   `CallQueueList`/`CallQueueMembers` require uri + records + navigation + paging.
 *   `GetExtensionListResponse` requires only records. `CallQueuePresence` requires nothing.
 * - `SubscriptionInfo.deliveryMode` is anyOf(public, internal) delivery modes. The WebHook
 *   variant requires transportType, address (uri) *and* `encryption` (enum [false]).
 * - `PATCH parties/{id}` takes `{party: {muted, standAlone}}` (PartyUpdateRequest), not a flat
 *   body.
 * - The `POST oauth/token` 400 body is inline: allOf({error: RFC6749 enum},
 *   ParameterizedErrorResponseModel). It has no schema name, and `error_description` is not
 *   declared.
 * - Many operations list few error statuses. call-out, for example, lists only 201 and 503.
 *   For an undeclared status validateResponse throws, so validate error bodies directly with
 *   `validateSchema('ApiErrorResponseModel', body)`.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

export interface Violation {
  instancePath: string;
  message: string;
  schemaPath: string;
}

export interface ResponseValidation {
  operationId: string;
  schemaName?: string;
  violations: Violation[];
}

export interface RcOpenApiOptions {
  /** When true, validateSchema/validateResponse also report properties that no schema declares. */
  forbidUnknownProperties?: boolean;
}

export interface OperationInfo {
  operationId: string;
  method: string;
  /** The spec's path template, e.g. /restapi/v1.0/account/{accountId}/telephony/call-out */
  template: string;
  throttlingGroup: string | undefined;
  /** Path parameters extracted from the concrete path. */
  params: Record<string, string>;
}

export interface RcOpenApi {
  /** Validate `data` against components.schemas[name]; returns [] when valid. Throws if the schema name does not exist. */
  validateSchema(name: string, data: unknown): Violation[];
  /**
   * Find the operation for (method, concrete path) by matching the spec's path templates, then validate
   * the JSON body of the response with that status (falling back to `NXX`, then `default`).
   * Throws with a clear message if no operation/status matches.
   */
  validateResponse(method: string, path: string, status: number, body: unknown): ResponseValidation;
  /** The operation's x-throttling-group (Light/Medium/Heavy/Auth/NoThrottling) for a method+path, or undefined. */
  throttlingGroup(method: string, path: string): string | undefined;
  /** The matched operation for a method + concrete path, or undefined. */
  findOperation(method: string, path: string): OperationInfo | undefined;
  /** List of component schema names. */
  schemaNames(): string[];
  /** JSON-pointer paths of properties present in `data` but declared nowhere in the schema (recursively through $ref/allOf/anyOf/oneOf/items). */
  unknownProperties(name: string, data: unknown): string[];
  /** The raw (untransformed) component schema, for introspection. Throws if unknown. */
  rawSchema(name: string): Readonly<Record<string, unknown>>;
}

type Obj = Record<string, unknown>;

const DOC_ID = 'https://rc-openapi.local/spec.json';
const SCHEMA_REF_PREFIX = '#/components/schemas/';
const CACHE_FORMAT = 1;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function asObj(x: unknown): Obj | undefined {
  return isObj(x) ? x : undefined;
}

// ---------------------------------------------------------------------------------------------
// Loading (with a JSON cache in node_modules/.cache)

interface Spec {
  paths: Obj;
  components: { schemas: Obj; responses: Obj };
}

export interface LoadStats {
  /** 'yaml' when the YAML was parsed, 'cache' when the JSON cache was used. */
  source: 'yaml' | 'cache';
  loadMs: number;
}

let loadStats: LoadStats | undefined;

/** How the spec was loaded in this process (undefined before the first load). */
export function rcOpenApiLoadStats(): LoadStats | undefined {
  return loadStats;
}

function locateSpec(): { ymlPath: string; version: string; cachePath: string } {
  const require = createRequire(import.meta.url);
  const pkgJsonPath = require.resolve('ringcentral-open-api-parser/package.json');
  const pkgDir = dirname(pkgJsonPath);
  const pkg = asObj(JSON.parse(readFileSync(pkgJsonPath, 'utf8')));
  const version = typeof pkg?.version === 'string' ? pkg.version : 'unknown';
  // pkgDir is <root>/node_modules/ringcentral-open-api-parser → <root>/node_modules/.cache
  const cachePath = join(dirname(pkgDir), '.cache', 'rc-openapi.json');
  return { ymlPath: join(pkgDir, 'rc-public-openapi.yml'), version, cachePath };
}

function toSpec(doc: unknown, source: string): Spec {
  const d = asObj(doc);
  const paths = asObj(d?.paths);
  const components = asObj(d?.components);
  const schemas = asObj(components?.schemas);
  if (!paths || !schemas) throw new Error(`rc-openapi: ${source} does not look like an OpenAPI document`);
  return { paths, components: { schemas, responses: asObj(components?.responses) ?? {} } };
}

function loadSpec(): Spec {
  const started = performance.now();
  const { ymlPath, version, cachePath } = locateSpec();
  const size = statSync(ymlPath).size;
  const key = `ringcentral-open-api-parser@${version}:${size}:v${CACHE_FORMAT}`;
  if (existsSync(cachePath)) {
    try {
      const cached = asObj(JSON.parse(readFileSync(cachePath, 'utf8')));
      if (cached?.key === key) {
        const spec = toSpec(cached.spec, cachePath);
        loadStats = { source: 'cache', loadMs: performance.now() - started };
        return spec;
      }
    } catch {
      // Corrupt or concurrently written cache: fall through and re-parse.
    }
  }
  const doc: unknown = parseYaml(readFileSync(ymlPath, 'utf8'), { maxAliasCount: -1 });
  const spec = toSpec(doc, ymlPath);
  try {
    mkdirSync(dirname(cachePath), { recursive: true });
    const tmp = `${cachePath}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key, spec: doc }));
    renameSync(tmp, cachePath); // atomic: parallel vitest workers never see a half-written file
  } catch {
    // The cache is only an optimisation (e.g. read-only node_modules).
  }
  loadStats = { source: 'yaml', loadMs: performance.now() - started };
  return spec;
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 schema → Ajv draft-07 schema

const STRIP_KEYS = new Set(['example', 'examples', 'description', 'title', 'externalDocs', 'xml', 'discriminator']);
const SCHEMA_MAP_KEYS = ['properties', 'patternProperties', 'definitions'] as const;
const SCHEMA_ARRAY_KEYS = ['allOf', 'anyOf', 'oneOf'] as const;
const SCHEMA_SINGLE_KEYS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else'] as const;

function absoluteRef(ref: string): string {
  return ref.startsWith('#') ? `${DOC_ID}${ref}` : ref;
}

function discriminatorMapping(disc: Obj, branches: unknown[]): Array<[string, string]> {
  const mapping = asObj(disc.mapping);
  if (mapping) {
    return Object.entries(mapping).filter((e): e is [string, string] => typeof e[1] === 'string');
  }
  // Implicit mapping: the discriminator value is the referenced schema's name.
  const out: Array<[string, string]> = [];
  for (const b of branches) {
    const ref = asObj(b)?.$ref;
    if (typeof ref === 'string') out.push([ref.slice(ref.lastIndexOf('/') + 1), ref]);
  }
  return out;
}

function transformSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(transformSchema);
  if (!isObj(schema)) return schema;
  if (typeof schema.$ref === 'string') return { $ref: absoluteRef(schema.$ref) }; // OAS 3.0: siblings ignored

  const out: Obj = {};
  for (const [k, v] of Object.entries(schema)) {
    if (STRIP_KEYS.has(k) || k.startsWith('x-')) continue;
    if ((SCHEMA_MAP_KEYS as readonly string[]).includes(k) && isObj(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, transformSchema(pv)]));
    } else if ((SCHEMA_ARRAY_KEYS as readonly string[]).includes(k) && Array.isArray(v)) {
      out[k] = v.map(transformSchema);
    } else if ((SCHEMA_SINGLE_KEYS as readonly string[]).includes(k) && (isObj(v) || Array.isArray(v))) {
      out[k] = transformSchema(v);
    } else {
      out[k] = v; // keyword values (enum, required, type, format, default...) are data, not schemas
    }
  }

  if (out.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    if (out.type === undefined && out.enum === undefined) {
      // No type to widen: accept null explicitly alongside the rest of the schema.
      delete out.nullable;
      return { anyOf: [{ type: 'null' }, out] };
    }
  }
  delete out.nullable;

  for (const [kw, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[kw] === 'boolean') {
      if (out[kw] === true && typeof out[bound] === 'number') {
        out[kw] = out[bound];
        delete out[bound];
      } else {
        delete out[kw];
      }
    }
  }

  const disc = asObj(schema.discriminator);
  const unionKey = Array.isArray(out.anyOf) ? 'anyOf' : Array.isArray(out.oneOf) ? 'oneOf' : undefined;
  if (disc && typeof disc.propertyName === 'string' && unionKey) {
    const prop = disc.propertyName;
    const origBranches = schema[unionKey] as unknown[];
    const mapping = discriminatorMapping(disc, origBranches);
    if (mapping.length > 0) {
      const union = out[unionKey];
      delete out[unionKey];
      const conditions: Obj[] = mapping.map(([value, ref]) => ({
        if: { properties: { [prop]: { const: value } }, required: [prop] },
        then: { $ref: absoluteRef(ref) },
      }));
      conditions.push({
        if: { properties: { [prop]: { enum: mapping.map(([value]) => value) } }, required: [prop] },
        else: { [unionKey]: union },
      });
      const existing = Array.isArray(out.allOf) ? (out.allOf as unknown[]) : [];
      out.allOf = [...existing, ...conditions];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ajv setup

// ajv-formats is CommonJS with `module.exports = exports = plugin; exports.default = plugin`, so `.default` is the
// plugin whether the loader hands us module.exports (Node ESM) or an interop namespace (TypeScript's view).
const addFormats = addFormatsImport.default;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function collectFormats(node: unknown, acc: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) collectFormats(n, acc);
  } else if (isObj(node)) {
    if (typeof node.format === 'string') acc.add(node.format);
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) collectFormats(v, acc);
  }
  return acc;
}

function createAjv(transformedSchemas: Obj): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true, // errors carry the offending value, for messages
    validateSchema: false, // the 1.3 MB document is trusted; meta-validation would cost seconds
    unicodeRegExp: false,
    discriminator: false,
  });
  addFormats(ajv, ['uri', 'date-time', 'date', 'email', 'ipv4', 'ipv6', 'hostname', 'uuid']);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('binary', true);
  ajv.addFormat('password', true);
  ajv.addFormat('byte', true);
  ajv.addFormat('time', /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}(:?\d{2})?)?$/i);
  const known = new Set(['uri', 'date-time', 'date', 'email', 'ipv4', 'ipv6', 'hostname', 'uuid', 'int32', 'int64', 'float', 'double', 'binary', 'password', 'byte', 'time']);
  for (const f of collectFormats(transformedSchemas, new Set())) if (!known.has(f)) ajv.addFormat(f, true);
  ajv.addSchema({ $id: DOC_ID, components: { schemas: transformedSchemas } });
  return ajv;
}

// ---------------------------------------------------------------------------------------------
// Error formatting

function preview(value: unknown): string {
  let s: string;
  try {
    s = value === undefined ? 'undefined' : JSON.stringify(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

/**
 * Ajv reports schemaPath relative to the compiled (possibly $ref-inlined) function, e.g. '#/properties/code/enum',
 * which hides *which* component failed. With `verbose`, errors carry `parentSchema` (the very object we handed Ajv),
 * so we map every object of the transformed document back to its JSON pointer.
 */
const schemaLocations = new WeakMap<object, string>();

function indexLocations(node: unknown, pointer: string): void {
  if (typeof node !== 'object' || node === null || schemaLocations.has(node)) return;
  schemaLocations.set(node, pointer);
  if (Array.isArray(node)) node.forEach((n, i) => indexLocations(n, `${pointer}/${i}`));
  else for (const [k, v] of Object.entries(node)) indexLocations(v, `${pointer}/${escapePointer(k)}`);
}

function toViolation(e: ErrorObject): Violation {
  const params = e.params as Obj;
  let message = e.message ?? e.keyword;
  switch (e.keyword) {
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? (params.allowedValues as unknown[]) : [];
      message = `must be one of [${allowed.map((v) => String(v)).join(', ')}], got ${preview(e.data)}`;
      break;
    }
    case 'const':
      message = `must be ${preview(params.allowedValue)}, got ${preview(e.data)}`;
      break;
    case 'type':
      message = `${message}, got ${describeType(e.data)} ${preview(e.data)}`;
      break;
    case 'additionalProperties':
      message = `${message}: '${String(params.additionalProperty)}'`;
      break;
    case 'format':
    case 'pattern':
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
      message = `${message}, got ${preview(e.data)}`;
      break;
    default:
      break;
  }
  const parent = e.parentSchema;
  const location = typeof parent === 'object' && parent !== null ? schemaLocations.get(parent) : undefined;
  const schemaPath =
    location !== undefined ? `${location}/${e.keyword}` : e.schemaPath.startsWith(DOC_ID) ? e.schemaPath.slice(DOC_ID.length) : e.schemaPath;
  return { instancePath: e.instancePath, message, schemaPath };
}

function toViolations(errors: ErrorObject[] | null | undefined): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const v = toViolation(e);
    const k = `${v.instancePath}\u0000${v.message}\u0000${v.schemaPath}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Unknown-property detection (walks the *raw* OpenAPI schemas)

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

class UnknownPropertyWalker {
  constructor(private readonly schemas: Obj) {}

  resolveRef(ref: string): Obj | undefined {
    if (!ref.startsWith(SCHEMA_REF_PREFIX)) return undefined;
    return asObj(this.schemas[ref.slice(SCHEMA_REF_PREFIX.length)]);
  }

  /** Flatten $ref/allOf (always) and anyOf/oneOf (discriminated branch if decidable, else all branches). */
  expand(schemas: readonly unknown[], data: unknown): Obj[] {
    const out: Obj[] = [];
    const seen = new Set<Obj>();
    const visit = (s: unknown): void => {
      let node = asObj(s);
      for (let hops = 0; node && typeof node.$ref === 'string' && hops < 50; hops++) node = this.resolveRef(node.$ref);
      if (!node || seen.has(node)) return;
      seen.add(node);
      out.push(node);
      if (Array.isArray(node.allOf)) for (const m of node.allOf) visit(m);
      for (const key of ['anyOf', 'oneOf'] as const) {
        const branches = node[key];
        if (!Array.isArray(branches)) continue;
        const picked = this.pickDiscriminated(node, branches, data);
        if (picked) visit(picked);
        else for (const b of branches) visit(b);
      }
    };
    for (const s of schemas) visit(s);
    return out;
  }

  private pickDiscriminated(node: Obj, branches: unknown[], data: unknown): unknown {
    const disc = asObj(node.discriminator);
    if (!disc || typeof disc.propertyName !== 'string' || !isObj(data)) return undefined;
    const value = data[disc.propertyName];
    if (typeof value !== 'string') return undefined;
    const hit = discriminatorMapping(disc, branches).find(([v]) => v === value);
    return hit ? { $ref: hit[1] } : undefined;
  }

  walk(schemas: readonly unknown[], data: unknown, path: string, out: string[]): void {
    if (Array.isArray(data)) {
      const expanded = this.expand(schemas, data);
      const itemSchemas = expanded.map((s) => s.items).filter((s) => s !== undefined);
      if (itemSchemas.length === 0) return; // free-form array
      data.forEach((item, i) => this.walk(itemSchemas, item, `${path}/${i}`, out));
      return;
    }
    if (!isObj(data)) return;
    const expanded = this.expand(schemas, data);
    const declared = new Map<string, unknown[]>();
    const extraSchemas: unknown[] = [];
    let open = false;
    let anyProperties = false;
    for (const s of expanded) {
      const props = asObj(s.properties);
      if (props) {
        anyProperties = true;
        for (const [k, v] of Object.entries(props)) {
          const list = declared.get(k) ?? [];
          list.push(v);
          declared.set(k, list);
        }
      }
      if (s.additionalProperties === true) open = true;
      else if (isObj(s.additionalProperties)) extraSchemas.push(s.additionalProperties);
    }
    if (!anyProperties && extraSchemas.length === 0) return; // free-form object: nothing to compare against
    for (const [k, v] of Object.entries(data)) {
      const childPath = `${path}/${escapePointer(k)}`;
      const propSchemas = declared.get(k);
      if (propSchemas) this.walk(propSchemas, v, childPath, out);
      else if (extraSchemas.length > 0) this.walk(extraSchemas, v, childPath, out);
      else if (!open) out.push(childPath);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Routing: concrete path → operation

interface Route {
  template: string;
  segments: string[]; // '{name}' for params
  literalScore: number[]; // 1 = literal, 0 = param, for specificity ordering
  ops: Map<string, Obj>; // lower-case method → operation object
}

function buildRoutes(paths: Obj): Route[] {
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    const ops = new Map<string, Obj>();
    for (const m of HTTP_METHODS) {
      const op = asObj(item[m]);
      if (op) ops.set(m, op);
    }
    const segments = template.split('/').filter((s) => s.length > 0);
    routes.push({ template, segments, literalScore: segments.map((s) => (/^\{[^}]+\}$/.test(s) ? 0 : 1)), ops });
  }
  // Most specific first: at the first differing segment, a literal beats a parameter.
  routes.sort((a, b) => {
    const n = Math.min(a.literalScore.length, b.literalScore.length);
    for (let i = 0; i < n; i++) {
      const d = (b.literalScore[i] ?? 0) - (a.literalScore[i] ?? 0);
      if (d !== 0) return d;
    }
    return a.segments.length - b.segments.length;
  });
  return routes;
}

function normalisePath(path: string): string[] {
  let p = path.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(p);
  if (scheme) p = p.slice(scheme[0].length);
  p = p.replace(/[?#].*$/, '');
  return p.split('/').filter((s) => s.length > 0);
}

function matchRoute(route: Route, segs: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segs.length; i++) {
    const t = route.segments[i] ?? '';
    const s = segs[i] ?? '';
    const param = /^\{([^}]+)\}$/.exec(t);
    if (param?.[1] !== undefined) params[param[1]] = decodeURIComponent(s);
    else if (t !== s) return undefined;
  }
  return params;
}

// ---------------------------------------------------------------------------------------------
// Core (shared by every option variant) and facade

interface Core {
  spec: Spec;
  ajv: Ajv;
  routes: Route[];
  validators: Map<string, ValidateFunction>;
  walker: UnknownPropertyWalker;
}

let core: Core | undefined;

function getCore(): Core {
  if (!core) {
    const spec = loadSpec();
    const transformed = Object.fromEntries(Object.entries(spec.components.schemas).map(([k, v]) => [k, transformSchema(v)]));
    for (const [name, schema] of Object.entries(transformed)) indexLocations(schema, `${SCHEMA_REF_PREFIX}${escapePointer(name)}`);
    core = {
      spec,
      ajv: createAjv(transformed),
      routes: buildRoutes(spec.paths),
      validators: new Map(),
      walker: new UnknownPropertyWalker(spec.components.schemas),
    };
  }
  return core;
}

function schemaValidator(c: Core, name: string): ValidateFunction {
  let v = c.validators.get(name);
  if (!v) {
    if (!Object.hasOwn(c.spec.components.schemas, name)) {
      throw new Error(`rc-openapi: no schema named '${name}' in components.schemas`);
    }
    v = c.ajv.compile({ $ref: `${DOC_ID}${SCHEMA_REF_PREFIX}${name}` });
    c.validators.set(name, v);
  }
  return v;
}

function inlineValidator(c: Core, pointer: string, schema: unknown): ValidateFunction {
  const key = `inline:${pointer}`;
  let v = c.validators.get(key);
  if (!v) {
    const transformed = transformSchema(schema) as Obj;
    indexLocations(transformed, pointer);
    v = c.ajv.compile(transformed);
    c.validators.set(key, v);
  }
  return v;
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

function createFacade(c: Core, options: RcOpenApiOptions): RcOpenApi {
  const unknownProperties = (name: string, data: unknown): string[] => {
    const root = c.spec.components.schemas[name];
    if (root === undefined) throw new Error(`rc-openapi: no schema named '${name}' in components.schemas`);
    const out: string[] = [];
    c.walker.walk([root], data, '', out);
    return out;
  };

  const unknownViolations = (schemas: unknown[], data: unknown): Violation[] => {
    if (!options.forbidUnknownProperties) return [];
    const out: string[] = [];
    c.walker.walk(schemas, data, '', out);
    return out.map((p) => ({ instancePath: p, message: 'unknown property (not declared by the schema)', schemaPath: '#/unknownProperties' }));
  };

  const validateSchema = (name: string, data: unknown): Violation[] => {
    const v = schemaValidator(c, name);
    const violations = v(data) ? [] : toViolations(v.errors);
    return [...violations, ...unknownViolations([{ $ref: `${SCHEMA_REF_PREFIX}${name}` }], data)];
  };

  const findOperation = (method: string, path: string): OperationInfo | undefined => {
    const m = method.toLowerCase();
    const segs = normalisePath(path);
    for (const route of c.routes) {
      const op = route.ops.get(m);
      if (!op) continue;
      const params = matchRoute(route, segs);
      if (!params) continue;
      const group = op['x-throttling-group'];
      return {
        operationId: typeof op.operationId === 'string' ? op.operationId : `${m.toUpperCase()} ${route.template}`,
        method: m.toUpperCase(),
        template: route.template,
        throttlingGroup: typeof group === 'string' ? group : undefined,
        params,
      };
    }
    return undefined;
  };

  /** Follows `#/components/responses/...` refs; returns the response object and its JSON pointer. */
  const resolveResponse = (resp: unknown, pointer: string): { r: Obj | undefined; pointer: string } => {
    let r = asObj(resp);
    for (let hops = 0; r && typeof r.$ref === 'string' && hops < 10; hops++) {
      const ref = r.$ref;
      pointer = ref;
      r = ref.startsWith('#/components/responses/') ? asObj(c.spec.components.responses[ref.slice('#/components/responses/'.length)]) : undefined;
    }
    return { r, pointer };
  };

  const validateResponse = (method: string, path: string, status: number, body: unknown): ResponseValidation => {
    const info = findOperation(method, path);
    if (!info) {
      const segs = normalisePath(path);
      const byPath = c.routes.filter((r) => matchRoute(r, segs));
      const hint = byPath.length
        ? `the path matches ${byPath.map((r) => `${r.template} [${[...r.ops.keys()].map((k) => k.toUpperCase()).join(', ')}]`).join('; ')}`
        : 'no path template matches';
      throw new Error(`rc-openapi: no ${method.toUpperCase()} operation for ${path} (${hint})`);
    }
    const op = asObj(asObj(c.spec.paths[info.template])?.[method.toLowerCase()]);
    const responses = asObj(op?.responses) ?? {};
    const statusKey = [String(status), `${String(status).charAt(0)}XX`, `${String(status).charAt(0)}xx`, 'default'].find((k) => k in responses);
    if (statusKey === undefined) {
      throw new Error(
        `rc-openapi: ${info.operationId} (${info.method} ${info.template}) declares no response for status ${status}; ` +
          `declared: ${Object.keys(responses).join(', ') || 'none'}`,
      );
    }
    const opPointer = `#/paths/${escapePointer(info.template)}/${method.toLowerCase()}`;
    const { r: resp, pointer: respPointer } = resolveResponse(responses[statusKey], `${opPointer}/responses/${statusKey}`);
    const content = asObj(resp?.content);
    const base = { operationId: info.operationId };
    if (!content || Object.keys(content).length === 0) {
      // The spec declares no body. 204/205/304 must not carry one; for anything else there is nothing to check.
      const violations: Violation[] =
        [204, 205, 304].includes(status) && !isEmptyBody(body)
          ? [{ instancePath: '', message: `status ${status} must have no body, got ${preview(body)}`, schemaPath: respPointer }]
          : [];
      return { ...base, violations };
    }
    const jsonKey = Object.keys(content).find((k) => /^application\/(.+\+)?json\b/i.test(k));
    if (jsonKey === undefined) {
      throw new Error(`rc-openapi: ${info.operationId} status ${statusKey} has no JSON content (declared: ${Object.keys(content).join(', ')})`);
    }
    const schema = asObj(content[jsonKey])?.schema;
    if (schema === undefined) return { ...base, violations: [] };
    const ref = asObj(schema)?.$ref;
    if (typeof ref === 'string' && ref.startsWith(SCHEMA_REF_PREFIX)) {
      const schemaName = ref.slice(SCHEMA_REF_PREFIX.length);
      return { ...base, schemaName, violations: validateSchema(schemaName, body) };
    }
    const v = inlineValidator(c, `${respPointer}/content/${escapePointer(jsonKey)}/schema`, schema);
    const violations = v(body) ? [] : toViolations(v.errors);
    return { ...base, violations: [...violations, ...unknownViolations([schema], body)] };
  };

  return {
    validateSchema,
    validateResponse,
    throttlingGroup: (method, path) => findOperation(method, path)?.throttlingGroup,
    findOperation,
    schemaNames: () => Object.keys(c.spec.components.schemas),
    unknownProperties,
    rawSchema: (name) => {
      const s = asObj(c.spec.components.schemas[name]);
      if (!s) throw new Error(`rc-openapi: no schema named '${name}' in components.schemas`);
      return s;
    },
  };
}

const facades = new Map<string, RcOpenApi>();

/** Memoised per process and per option set; the spec itself and compiled validators are shared. */
export function loadRcOpenApi(options: RcOpenApiOptions = {}): RcOpenApi {
  const key = JSON.stringify({ forbidUnknownProperties: options.forbidUnknownProperties === true });
  let f = facades.get(key);
  if (!f) {
    f = createFacade(getCore(), { forbidUnknownProperties: options.forbidUnknownProperties === true });
    facades.set(key, f);
  }
  return f;
}

/** Vitest helper: throws an Error listing violations (path + message, first 20) when there are any. */
export function expectConforms(v: Violation[] | { violations: Violation[] }, label?: string): void {
  const list = Array.isArray(v) ? v : v.violations;
  if (list.length === 0) return;
  const name = label ?? (Array.isArray(v) ? 'value' : `response${'operationId' in v && typeof v.operationId === 'string' ? ` of ${v.operationId}` : ''}`);
  const lines = list.slice(0, 20).map((x) => `  ${x.instancePath || '(root)'}: ${x.message}  [${x.schemaPath}]`);
  if (list.length > 20) lines.push(`  ... and ${list.length - 20} more`);
  throw new Error(`${name} does not conform to the RingCentral OpenAPI spec (${list.length} violation${list.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
}
