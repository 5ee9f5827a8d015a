/**
 * JWT credentials the simulator accepts for the JWT bearer grant. Real RingCentral JWTs are signed by
 * RingCentral and name a user; ours are HS256 tokens signed with a simulator key, `sub` = extension id.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNING_KEY = 'hold-hunter-simulator-jwt-key';

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export function mintJwt(extensionId: number, accountId: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ aud: 'simulator', sub: String(extensionId), iss: 'hold-hunter-simulator', acc: accountId }));
  const signature = createHmac('sha256', SIGNING_KEY).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** Returns the extension id a simulator-minted JWT names, or undefined when it is not one of ours. */
export function verifyJwt(jwt: string): number | undefined {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return undefined;
  const expected = createHmac('sha256', SIGNING_KEY).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown };
    const id = Number(claims.sub);
    return Number.isSafeInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
