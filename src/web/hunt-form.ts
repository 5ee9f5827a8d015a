/**
 * The start form's fields to a `CreateJobRequest`, validated by the same zod schema as `POST /api/v1/jobs`, with
 * each problem keyed by the form field it belongs to.
 */
import type { z } from 'zod';
import type { CreateJobRequest } from '../engine/job-commands.ts';
import { createJobSchema } from './job-api.ts';
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

type FormBody = Record<string, string | File | (string | File)[]>;

export function formValues(body: FormBody): StartHuntValues {
  const text = (name: string): string => {
    const value = body[name];
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first.trim() : '';
  };
  const ids = body.extensionIds;
  const list = (Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]).filter((v): v is string => typeof v === 'string' && v !== '');
  return { destinationId: text('destinationId'), target: text('target'), lines: text('lines'), pool: text('pool'), extensionIds: list, handoff: text('handoff'), deadlineMinutes: text('deadlineMinutes') };
}

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

export type ParsedHuntForm = { ok: true; request: CreateJobRequest } | { ok: false; errors: FieldErrors };

export function parseHuntForm(values: StartHuntValues): ParsedHuntForm {
  const raw: Record<string, unknown> = { lines: wholeOrRaw(values.lines) };
  if (values.destinationId) raw.destinationId = values.destinationId;
  const t = target(values.target);
  if (t !== undefined) raw.target = t;
  if (values.extensionIds.length > 0) raw.extensionIds = values.extensionIds;
  if (values.pool) raw.pool = values.pool;
  if (values.handoff) raw.handoff = values.handoff;
  const deadline = wholeOrRaw(values.deadlineMinutes);
  if (deadline !== undefined) raw.deadlineMinutes = deadline;
  const parsed = createJobSchema.safeParse(raw);
  if (parsed.success) return { ok: true, request: parsed.data };
  return { ok: false, errors: fieldErrors(parsed.error) };
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
    errors[field] ??= labelled(field, issue.message);
  }
  return errors;
}

/** "must be at least 1" → "Lines must be at least 1". */
export function labelled(field: string, message: string): string {
  const label = LABELS[field];
  if (!label) return message.charAt(0).toUpperCase() + message.slice(1);
  return /^(must|no |is )/.test(message) ? `${label} ${message}` : `${label}: ${message}`;
}
