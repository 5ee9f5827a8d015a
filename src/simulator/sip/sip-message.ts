/**
 * A SIP message as the simulator handles it, and how it goes on the wire. Input header names are matched without
 * regard to case; output is written the one way `ringcentral-softphone@1.3.7` can read (research/sip-softphone.md
 * §2): fixed spelling, one line per header name, every message with a CSeq, `Content-Length` last, a body ending
 * in CRLF.
 */

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeaders;
  body: string;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeaders;
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Header values by lower-case name; a repeated header keeps its values in order. */
export class SipHeaders {
  private readonly values = new Map<string, string[]>();

  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const list = this.values.get(key);
    if (list) list.push(value);
    else this.values.set(key, [value]);
  }

  /** The first value of a header (case-insensitive), or undefined. */
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.[0];
  }

  /** Every value of a header, in order. */
  all(name: string): readonly string[] {
    return this.values.get(name.toLowerCase()) ?? [];
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }
}

/** Headers of an outgoing message, in writing order. `Content-Length` is never given: serialise adds it last. */
export type OutgoingHeaders = readonly (readonly [name: string, value: string | number])[];

export interface OutgoingRequest {
  method: string;
  uri: string;
  headers: OutgoingHeaders;
  body?: string;
}

export interface OutgoingResponse {
  status: number;
  reason: string;
  headers: OutgoingHeaders;
  body?: string;
}

export type OutgoingMessage = OutgoingRequest | OutgoingResponse;

/**
 * The wire text. The client splits its input on `\r\nContent-Length: 0\r\n\r\n` and on ": ", and keeps only the
 * last of repeated names, so a header given twice, a CR/LF inside a value or a stray Content-Length is a bug.
 */
export function serialise(message: OutgoingMessage): string {
  const start = 'method' in message ? `${message.method} ${message.uri} SIP/2.0` : `SIP/2.0 ${message.status} ${message.reason}`;
  const body = normaliseBody(message.body ?? '');
  const seen = new Set<string>();
  const lines = [start];
  for (const [name, value] of message.headers) {
    const key = name.toLowerCase();
    if (key === 'content-length') throw new Error('Content-Length is added by serialise');
    if (seen.has(key)) throw new Error(`header ${name} given twice`);
    const text = String(value);
    if (/[\r\n]/.test(text)) throw new Error(`header ${name} has a line break`);
    seen.add(key);
    lines.push(`${name}: ${text}`);
  }
  if (!seen.has('cseq')) throw new Error('every message needs a CSeq (the client throws without one)');
  lines.push(`Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** CRLF line ends, and a final CRLF: the client only handles data that ends in one. */
function normaliseBody(body: string): string {
  const trimmed = body.replace(/\r?\n/g, '\r\n').replace(/(\r\n)+$/, '');
  return trimmed === '' ? '' : `${trimmed}\r\n`;
}

/** The number of a CSeq value (`"4711 INVITE"` → 4711), NaN when malformed. */
export function cseqNumber(cseq: string | undefined): number {
  const match = /^\s*(\d+)\s+[A-Za-z]+\s*$/.exec(cseq ?? '');
  return match ? Number(match[1]) : Number.NaN;
}

/** The method of a CSeq value (`"4711 INVITE"` → `INVITE`). */
export function cseqMethod(cseq: string | undefined): string {
  return /^\s*\d+\s+([A-Za-z]+)\s*$/.exec(cseq ?? '')?.[1]?.toUpperCase() ?? '';
}

/** The user part of the first SIP URI in a header value or URI (`<sip:101@x>;tag=1` → `101`). */
export function uriUser(value: string | undefined): string | undefined {
  return /sips?:([^@;>\s]+)@/i.exec(value ?? '')?.[1];
}

/** The first SIP URI in a name-addr (`"A" <sip:x@y;transport=tls>;tag=1` → `sip:x@y;transport=tls`). */
export function uriOf(value: string | undefined): string | undefined {
  const text = value ?? '';
  return /<([^>]+)>/.exec(text)?.[1] ?? /^\s*(sips?:[^\s;]+)/i.exec(text)?.[1];
}

/** The `tag` parameter of a From/To value. */
export function tagOf(value: string | undefined): string | undefined {
  const params = (value ?? '').replace(/<[^>]*>/, '');
  return /;\s*tag=([^;\s]+)/i.exec(params)?.[1];
}
