/**
 * Cuts a TLS byte stream into SIP messages (RFC 3261 §18.3: framed by Content-Length on a stream transport) and
 * parses each one. Header names are case-insensitive and compact forms are expanded. A message that frames but
 * does not parse is reported as `malformed` and skipped; a stream that cannot be framed any more is `fatal`.
 */
import { SipHeaders } from './sip-message.ts';
import type { SipMessage } from './sip-message.ts';

export type ParseResult =
  | { kind: 'message'; message: SipMessage }
  | { kind: 'malformed'; reason: string; text: string }
  | { kind: 'fatal'; reason: string };

/** Headers larger than this are an attack or garbage, not SIP. */
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

/** RFC 3261 §7.3.3 compact header names. */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
};

export class SipStreamParser {
  private buffer: Buffer = Buffer.alloc(0);
  private broken = false;

  /** Feeds bytes; returns every message completed by them. After a `fatal` result the parser stays broken. */
  push(chunk: Buffer): ParseResult[] {
    if (this.broken) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const results: ParseResult[] = [];
    for (;;) {
      // CRLF keep-alives (RFC 5626) and blank lines between messages are skipped.
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a)) start++;
      if (start > 0) this.buffer = this.buffer.subarray(start);
      if (this.buffer.length === 0) return results;
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES) return this.fail(results, 'header section too large');
        return results;
      }
      const head = this.buffer.subarray(0, end).toString('utf8');
      const lengthText = contentLength(head);
      const length = lengthText === undefined ? 0 : Number(lengthText);
      if (!Number.isSafeInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
        return this.fail(results, `bad Content-Length "${lengthText ?? ''}"`);
      }
      const total = end + HEADER_END.length + length;
      if (this.buffer.length < total) return results;
      const body = this.buffer.subarray(end + HEADER_END.length, total).toString('utf8');
      this.buffer = this.buffer.subarray(total);
      results.push(parseMessage(head, body));
    }
  }

  private fail(results: ParseResult[], reason: string): ParseResult[] {
    this.broken = true;
    this.buffer = Buffer.alloc(0);
    results.push({ kind: 'fatal', reason });
    return results;
  }
}

/** The raw Content-Length value of a header section (long or compact name), if any. */
function contentLength(head: string): string | undefined {
  const match = /(?:^|\r\n)(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
  return match?.[1]?.trim();
}

/** Parses one framed message: start line, headers (folded lines joined), body. */
export function parseMessage(head: string, body: string): ParseResult {
  const malformed = (reason: string): ParseResult => ({ kind: 'malformed', reason, text: head });
  const lines = head.split(/\r?\n/);
  const startLine = lines.shift() ?? '';
  const headers = new SipHeaders();
  let last: { name: string; value: string } | undefined;
  const flush = (): void => {
    if (last) headers.add(last.name, last.value.trim());
  };
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      // RFC 3261 §7.3.1 line folding.
      if (!last) return malformed('continuation line before any header');
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return malformed(`header line without a name: "${line.slice(0, 80)}"`);
    flush();
    const raw = line.slice(0, colon).trim().toLowerCase();
    if (!/^[a-z0-9!%*_+`'~.-]+$/.test(raw)) return malformed(`bad header name "${raw.slice(0, 40)}"`);
    last = { name: COMPACT[raw] ?? raw, value: line.slice(colon + 1) };
  }
  flush();

  const response = /^SIP\/2\.0[ \t]+(\d{3})[ \t]*(.*)$/.exec(startLine);
  const request = /^([A-Za-z]+)[ \t]+(\S+)[ \t]+SIP\/2\.0$/.exec(startLine);
  if (!response && !request) return malformed(`bad start line "${startLine.slice(0, 80)}"`);
  for (const required of ['call-id', 'cseq', 'from', 'to', 'via']) {
    if (!headers.has(required)) return malformed(`no ${required} header`);
  }
  if (response) {
    return { kind: 'message', message: { kind: 'response', status: Number(response[1]), reason: response[2] ?? '', headers, body } };
  }
  return {
    kind: 'message',
    message: { kind: 'request', method: (request?.[1] ?? '').toUpperCase(), uri: request?.[2] ?? '', headers, body },
  };
}
