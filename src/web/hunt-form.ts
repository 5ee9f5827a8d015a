/**
 * The start form's fields to a `CreateJobRequest` as zod schemas: the fields as typed, then the same zod schema as
 * `POST /api/v1/jobs` (preprocessed from the form's shape), with each problem keyed by the form field it belongs to.
 */
import { z } from 'zod';
import type { CreateJobRequest } from '../engine/job-commands.ts';
import { createJobSchema } from './job-api.ts';
import { formList, formText, issueMessages } from './form-input.ts';
import type { StartHuntValues } from '../../views/start-hunt-page.tsx';
import type { FieldErrors } from '../../views/form-field.tsx';

const LABELS: Record<string, string> = {
  lines: 'Lines',
  destinationId: 'Destination',
  target: 'Hand-off target',
  extensionIds: 'Picked extensions',
  pool: 'Pool',
  handoff: 'Hand-off',
  deadlineMinutes: 'Give up after',
};

/** The start form as typed (what the page shows again next to a refusal); picked extension boxes without a value are dropped. */
export const huntFormText = z.object({
  destinationId: formText,
  target: formText,
  lines: formText,
  pool: formText,
  extensionIds: formList.transform((ids) => ids.filter((id) => id !== '')),
  handoff: formText,
  deadlineMinutes: formText,
}) satisfies z.ZodType<StartHuntValues>;

/** A whole number stays a number; anything else stays as typed so the schema names the problem. */
function wholeOrRaw(value: string): number | string | undefined {
  if (value === '') return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

/** `queue:801`, `extension:102`, `number:+12125550123`; empty = the default target. */
function target(value: string): unknown {
  if (value === '') return undefined;
  const at = value.indexOf(':');
  const kind = at < 0 ? value : value.slice(0, at);
  const rest = at < 0 ? '' : value.slice(at + 1);
  if (kind === 'number') return { kind, phoneNumber: rest };
  if (kind === 'queue' || kind === 'extension') return { kind, extensionNumber: rest };
  return value;
}

/**
 * The typed form → a `CreateJobRequest`, through the API's `createJobSchema`: empty fields are left out (the API's
 * defaults apply), numbers typed as digits become numbers, `kind:value` targets become the API's target object.
 */
export const huntFormRequest = z.preprocess((input) => {
  const values = input as StartHuntValues;
  const deadline = wholeOrRaw(values.deadlineMinutes);
  const t = target(values.target);
  return {
    lines: wholeOrRaw(values.lines),
    ...(values.destinationId ? { destinationId: values.destinationId } : {}),
    ...(t !== undefined ? { target: t } : {}),
    ...(values.extensionIds.length > 0 ? { extensionIds: values.extensionIds } : {}),
    ...(values.pool ? { pool: values.pool } : {}),
    ...(values.handoff ? { handoff: values.handoff } : {}),
    ...(deadline !== undefined ? { deadlineMinutes: deadline } : {}),
  };
}, createJobSchema);

export type ParsedHuntForm = { ok: true; request: CreateJobRequest } | { ok: false; errors: FieldErrors };

export function parseHuntForm(values: StartHuntValues): ParsedHuntForm {
  const parsed = huntFormRequest.safeParse(values);
  if (parsed.success) return { ok: true, request: parsed.data };
  return { ok: false, errors: fieldErrors(parsed.error) };
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  return Object.fromEntries(Object.entries(issueMessages(error)).map(([field, message]) => [field, labelled(field, message)]));
}

/** "must be at least 1" → "Lines must be at least 1". */
export function labelled(field: string, message: string): string {
  const label = LABELS[field];
  if (!label) return message.charAt(0).toUpperCase() + message.slice(1);
  return /^(must|no |is )/.test(message) ? `${label} ${message}` : `${label}: ${message}`;
}
