/**
 * The JSON API's error shape, `{error: {code, message, field?, problems?}}`, and the helpers that produce it from
 * zod issues, malformed bodies and oversize requests, so every route answers failures the same way.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

export interface ApiProblem {
  /** Dotted path of the offending field (`target.phoneNumber`, `extensionIds[2]`); empty for the body itself. */
  field: string;
  message: string;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    problems?: ApiProblem[];
  };
}

export function apiErrorBody(code: string, message: string, extra: { field?: string; problems?: ApiProblem[] } = {}): ApiErrorBody {
  return {
    error: {
      code,
      message,
      ...(extra.field === undefined ? {} : { field: extra.field }),
      ...(extra.problems === undefined ? {} : { problems: extra.problems }),
    },
  };
}

export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  extra: { field?: string; problems?: ApiProblem[] } = {},
): Response {
  return c.json(apiErrorBody(code, message, extra), status);
}

/** `['target', 'phoneNumber']` → `target.phoneNumber`; `['extensionIds', 2]` → `extensionIds[2]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * One problem per zod issue, each naming its field. A missing field reads "is required", an unknown one "is not a
 * known field"; otherwise the schema's own message (schemas in this API word theirs for operators).
 */
export function zodProblems(error: z.ZodError, input: unknown): ApiProblem[] {
  const problems: ApiProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ field: fieldPath([...issue.path, key]), message: 'is not a known field' });
      continue;
    }
    const field = fieldPath(issue.path);
    if (issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
      problems.push({ field, message: 'is required' });
      continue;
    }
    if (issue.code === 'invalid_type' && issue.path.length === 0) {
      problems.push({ field, message: 'the request body must be a JSON object' });
      continue;
    }
    problems.push({ field, message: issue.message });
  }
  return problems;
}

/** "lines: must be …; target.kind: …" — the problems in one line for clients that show only `message`. */
export function problemsMessage(problems: readonly ApiProblem[]): string {
  return problems.map((p) => (p.field === '' ? p.message : `${p.field}: ${p.message}`)).join('; ');
}

export function validationError(c: Context, error: z.ZodError, input: unknown): Response {
  const problems = zodProblems(error, input);
  const first = problems[0];
  return apiError(c, 400, 'invalid_request', problemsMessage(problems), {
    ...(first && first.field !== '' ? { field: first.field } : {}),
    problems,
  });
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; response: Response };

/** Parses the request body as JSON; malformed or empty → 400 `malformed_json`. */
export async function readJsonBody(c: Context): Promise<JsonBody> {
  const text = await c.req.text();
  if (text.trim() === '') return { ok: false, response: apiError(c, 400, 'malformed_json', 'The request body is empty; send a JSON object.') };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: apiError(c, 400, 'malformed_json', 'The request body is not valid JSON.') };
  }
}

export function payloadTooLarge(c: Context, maxBytes: number): Response {
  return apiError(c, 413, 'payload_too_large', `The request body exceeds ${maxBytes} bytes.`);
}
