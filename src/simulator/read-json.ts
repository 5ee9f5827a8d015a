import type { Context } from 'hono';
import { RcError } from './rc-error.ts';

/** The request's JSON body; an empty body is `undefined`, unparsable JSON is RingCentral's 400 CMN-103. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RcError(400, 'CMN-103', "JSON can't be parsed");
  }
}
