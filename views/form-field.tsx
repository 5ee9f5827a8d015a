/** A labelled form control with its error beside it, wired for screen readers (aria-invalid, aria-describedby). */
import type { Child } from 'hono/jsx';

export type FieldErrors = Partial<Record<string, string>>;

export function errorId(name: string): string {
  return `${name}-error`;
}

/** Attributes a control carries when its field has an error (and the hint it is described by, if any). */
export function invalidAttrs(name: string, errors: FieldErrors, hintId?: string): Record<string, string | undefined> {
  const described = [errors[name] ? errorId(name) : undefined, hintId].filter(Boolean).join(' ');
  return { 'aria-invalid': errors[name] ? 'true' : undefined, 'aria-describedby': described || undefined };
}

export function Field(props: { name: string; label: string; errors: FieldErrors; hint?: Child; hintId?: string; children: Child }) {
  const error = props.errors[props.name];
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={props.name}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <p class="hint" id={props.hintId}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={errorId(props.name)}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
