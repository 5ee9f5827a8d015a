/**
 * RingCentral's error shape: `{errorCode, message, errors: [{errorCode, message, parameterName?}]}`; the token
 * endpoint adds RFC 6749 `error` and `error_description`. Throw RcError anywhere in a handler; the app turns it
 * into the response, so every failure path answers the way the SDK expects.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface RcErrorDetail {
  errorCode: string;
  message: string;
  parameterName?: string;
  parameterValue?: string;
}

export class RcError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly errorCode: string,
    message: string,
    readonly detail: Omit<RcErrorDetail, 'errorCode' | 'message'> = {},
    readonly oauth?: { error: string; error_description: string },
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'RcError';
  }

  body(): Record<string, unknown> {
    const first: RcErrorDetail = { errorCode: this.errorCode, message: this.message, ...this.detail };
    return { ...first, errors: [first], ...(this.oauth ?? {}) };
  }
}

/** CMN-101: a parameter's value is invalid. */
export function invalidParameter(name: string, value?: unknown): RcError {
  return new RcError(400, 'CMN-101', `Parameter [${name}] value is invalid`, {
    parameterName: name,
    ...(value === undefined ? {} : { parameterValue: typeof value === 'string' ? value : JSON.stringify(value) }),
  });
}

/** CMN-100 style: a required parameter is missing. */
export function missingParameter(name: string): RcError {
  return new RcError(400, 'CMN-100', `Parameter [${name}] is not defined`, { parameterName: name });
}

/** CMN-102: the resource an id names does not exist. */
export function notFound(name: string, value: string): RcError {
  return new RcError(404, 'CMN-102', `Resource for parameter [${name}] is not found`, {
    parameterName: name,
    parameterValue: value,
  });
}

/** TAS-102: the call party is in a state that does not allow this action. */
export function wrongState(): RcError {
  return new RcError(409, 'TAS-102', 'Incorrect State [WrongState]');
}
