/** Building a response to a request (RFC 3261 §8.2.6): Via, From, To (with our tag), Call-ID and CSeq copied. */
import type { OutgoingHeaders, OutgoingResponse, SipRequest } from './sip-message.ts';
import { tagOf } from './sip-message.ts';

export const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  484: 'Address Incomplete',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  603: 'Decline',
};

export const SERVER_NAME = 'hold-hunter-simulator';
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, REFER, NOTIFY, OPTIONS';

export interface ReplyOptions {
  /** Our To tag; added when the request's To has none (every final response and 1xx of a dialog needs one). */
  toTag?: string;
  headers?: OutgoingHeaders;
  body?: string;
}

export function reply(request: SipRequest, status: number, options: ReplyOptions = {}): OutgoingResponse {
  const to = request.headers.get('to') ?? '';
  const toWithTag = options.toTag && status > 100 && tagOf(to) === undefined ? `${to};tag=${options.toTag}` : to;
  return {
    status,
    reason: REASONS[status] ?? 'Unknown',
    headers: [
      // Several Via headers go on one line: the client keeps only the last line of a repeated name.
      ['Via', request.headers.all('via').join(', ')],
      ['From', request.headers.get('from') ?? ''],
      ['To', toWithTag],
      ['Call-ID', request.headers.get('call-id') ?? ''],
      ['CSeq', request.headers.get('cseq') ?? ''],
      ['Server', SERVER_NAME],
      ...(options.headers ?? []),
    ],
    ...(options.body === undefined ? {} : { body: options.body }),
  };
}
