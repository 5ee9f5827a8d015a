/** Passwords: argon2id hashes (OWASP's minimum parameters), a length rule, and random passwords to hand out. */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, which this project's TS settings cannot import). */
const ARGON2ID = 2;
// 19 MiB, 2 passes, 1 lane: OWASP's argon2id baseline (about 20 ms here), cheap enough for a login per second.
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of nothing anyone knows: verified against when the user does not exist, so timing does not tell. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('base64url'));
  return decoy;
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  return undefined;
}

/** 20 random characters (120 bits), for demo admins, the CLI and password resets. */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}
