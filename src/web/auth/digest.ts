/** SHA-256 of a high-entropy secret (session ids, API token secrets): what Redis keeps instead of the secret. */
import { createHash } from 'node:crypto';

export function sha256(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}
