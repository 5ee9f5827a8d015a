/**
 * Dashboard form bodies as zod schemas. `parseBody({ all: true })` gives, per field, a string, an uploaded File or
 * an array of them; these field schemas turn that into what a form means — one text value (the first, trimmed; a
 * File or nothing reads as ''), or the list of string values — so each form is one zod object whose refusals are
 * its field errors, worded for the person who typed them (the messages live in the schemas).
 */
import type { Context } from 'hono';
import { z } from 'zod';

const firstOf = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);

/** One text field: the first value sent, trimmed; absent or a File reads as ''. */
export const formText = z.preprocess((value) => {
  const first = firstOf(value);
  return typeof first === 'string' ? first.trim() : '';
}, z.string());

/** A repeated field (ticked boxes, rows): every string value sent, untrimmed, in order; Files are dropped. */
export const formList = z.preprocess((value) => (value === undefined ? [] : [value].flat()).filter((v): v is string => typeof v === 'string'), z.array(z.string()));

/** The request's form body (every value of every field; a body that cannot be read was refused by formBodyGuard). */
export function formBody(c: Context): Promise<Record<string, string | File | (string | File)[]>> {
  return c.req.parseBody({ all: true });
}

/** The request's form through `schema`. */
export async function parseForm<S extends z.ZodType>(c: Context, schema: S): Promise<z.ZodSafeParseResult<z.infer<S>>> {
  return schema.safeParse(await formBody(c));
}

/** A refusal as field → message (the first problem of each field; problems of the whole form under `form`). */
export function issueMessages(error: z.ZodError): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
    messages[field] ??= issue.message;
  }
  return messages;
}
