/**
 * SIP digest authentication as RingCentral does it for `ringcentral-softphone` (research/sip-softphone.md §2):
 * the challenge puts a comma and a space before `nonce` (the client finds it with `/, nonce="(.+?)"/`), and the
 * client answers RFC 2069 style (MD5, no qop) with its own domain as realm and `sip:{domain}` as uri. RFC 2617
 * `qop=auth` answers are checked too, so other SIP clients work.
 */
import { createHash, randomBytes } from 'node:crypto';

/** How long an issued nonce stays good (the client answers a challenge at once). */
const NONCE_TTL_MS = 5 * 60_000;
const MAX_NONCES = 10_000;

export interface DigestCredentials {
  username?: string;
  realm?: string;
  nonce?: string;
  uri?: string;
  response?: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** Parses `Digest a="b", c=d` (quoted or bare values; the client writes `Digest algorithm="MD5", …`). */
export function parseDigest(header: string | undefined): DigestCredentials | undefined {
  const match = /^\s*Digest\s+(.*)$/is.exec(header ?? '');
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|([^,\s]+))/g;
  for (const part of (match[1] ?? '').matchAll(pattern)) {
    const name = part[1]?.toLowerCase();
    if (name) params[name] = part[2] ?? part[3] ?? '';
  }
  return params;
}

/** The nonces this server handed out, so an answer to a made-up or stale nonce is refused. */
export class NonceBook {
  private readonly issued = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(): string {
    const nonce = randomBytes(16).toString('hex');
    if (this.issued.size >= MAX_NONCES) {
      const oldest = this.issued.keys().next().value;
      if (oldest !== undefined) this.issued.delete(oldest);
    }
    this.issued.set(nonce, this.now());
    return nonce;
  }

  valid(nonce: string | undefined): boolean {
    if (nonce === undefined) return false;
    const at = this.issued.get(nonce);
    return at !== undefined && this.now() - at <= NONCE_TTL_MS;
  }
}

/** `WWW-Authenticate` / `Proxy-Authenticate` value. The `, nonce=` spelling is what the client's regex needs. */
export function challenge(realm: string, nonce: string): string {
  return `Digest realm="${realm}", nonce="${nonce}", algorithm=MD5`;
}

/** Checks a digest answer against the password; the realm must be the device's SIP domain. */
export function verifyDigest(credentials: DigestCredentials, method: string, password: string, realm: string): boolean {
  const { username, nonce, uri, response } = credentials;
  if (!username || !nonce || !uri || !response) return false;
  if (credentials.realm !== realm) return false;
  if (credentials.algorithm !== undefined && credentials.algorithm.toUpperCase() !== 'MD5') return false;
  const ha1 = md5(`${username}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const expected =
    credentials.qop === undefined
      ? md5(`${ha1}:${nonce}:${ha2}`) // RFC 2069, what ringcentral-softphone sends
      : md5(`${ha1}:${nonce}:${credentials.nc ?? ''}:${credentials.cnonce ?? ''}:${credentials.qop}:${ha2}`);
  return expected === response.toLowerCase();
}
