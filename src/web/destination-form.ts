/**
 * The dashboard's destination form (`POST /destinations` and its live IVR preview) as zod schemas: the rows as
 * typed, then the destination they describe, checked by the JSON API's own `destinationSchema` plus the id rule of
 * src/web/route-params.ts — one definition of what a destination may be. Field messages are the page's own.
 */
import { z } from 'zod';
import { IVR_ROWS } from '../../views/destinations-page.tsx';
import type { DestinationFormValues } from '../../views/destinations-page.tsx';
import type { FieldErrors } from '../../views/form-field.tsx';
import { destinationSchema } from './destination-api.ts';
import { formList, formText } from './form-input.ts';
import { fieldErrors } from './hunt-form.ts';
import { DESTINATION_ID } from './route-params.ts';

/** The form as typed (what the page shows again next to a refusal): at most IVR_ROWS step rows. */
export const destinationFormText = z
  .object({ id: formText, name: formText, phoneNumber: formText, digits: formList, seconds: formList })
  .transform(({ digits, seconds, ...fields }): DestinationFormValues => {
    const rows = Math.min(IVR_ROWS, Math.max(digits.length, seconds.length));
    const steps = Array.from({ length: rows }, (_, i) => ({ digits: (digits[i] ?? '').trim(), seconds: (seconds[i] ?? '').trim() }));
    return { ...fields, steps };
  });

/** Seconds as typed → milliseconds; anything but a plain decimal number is NaN, which the API schema refuses. */
const SECONDS = /^\d+(\.\d+)?$/;
const afterMs = (seconds: string): number => (SECONDS.test(seconds) ? Math.round(Number(seconds) * 1000) : Number.NaN);

/** The typed form → the destination to save (`{ id, name, phoneNumber, ivr }`); blank rows are skipped. */
export const destinationFormSchema = z
  .custom<DestinationFormValues>()
  .transform((form): unknown => ({
    id: form.id,
    name: form.name,
    phoneNumber: form.phoneNumber,
    ivr: form.steps.filter((s) => s.digits !== '' || s.seconds !== '').map((s) => ({ digits: s.digits, afterMs: afterMs(s.seconds) })),
  }))
  .pipe(destinationSchema.extend({ id: z.string().regex(DESTINATION_ID, { error: 'Id must be 1 to 48 lower-case letters, digits or dashes, starting with a letter or digit' }) }));

/** A refusal as the page's field errors; the IVR script's says what a step may hold. */
export function destinationFormErrors(error: z.ZodError): FieldErrors {
  const errors = fieldErrors(error);
  const ivr = error.issues.find((i) => i.path[0] === 'ivr');
  if (ivr) errors.ivr = `IVR script: ${ivr.message} (step keys 0-9, * or #; seconds 0 to 600)`;
  return errors;
}

/** The live preview's steps: rows with keys, unreadable seconds read as 0 (the preview never refuses). */
export const ivrPreviewSteps = z
  .custom<DestinationFormValues>()
  .transform((form) => form.steps.filter((s) => s.digits !== '').map((s) => ({ digits: s.digits, afterMs: Math.max(0, Math.round(Number(s.seconds) * 1000) || 0) })));
