/**
 * The job's one-shot winner record (stack-notes §2.3): a Lua compare-and-set with a fencing token decides the
 * winner, and only the claimed → transferring step authorises a transfer request. Correctness rests on these
 * scripts, never on a lock alone.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { jobKeys } from './redis-keys.ts';

const CLAIM = readFileSync(new URL('./claim-winner-2.lua', import.meta.url), 'utf8');
const ADVANCE = readFileSync(new URL('./advance-winner-1.lua', import.meta.url), 'utf8');

export type WinnerState = 'claimed' | 'transferring' | 'transferred' | 'failed';

export type ClaimResult = { won: true; token: number } | { won: false; token: number; winnerCallId: string; state: WinnerState };

export interface WinnerRecord {
  callId: string;
  token: number;
  state: WinnerState;
}

export async function claimWinner(redis: Redis, jobId: string, callId: string): Promise<ClaimResult> {
  const keys = jobKeys(jobId);
  const reply = (await redis.eval(CLAIM, 2, keys.winner, keys.fence, callId)) as [number, number, string?, string?];
  if (reply[0] === 1) return { won: true, token: reply[1] };
  return { won: false, token: reply[1], winnerCallId: reply[2] ?? '', state: (reply[3] ?? 'claimed') as WinnerState };
}

export async function advanceWinner(redis: Redis, jobId: string, token: number, from: WinnerState, to: WinnerState): Promise<boolean> {
  const reply = (await redis.eval(ADVANCE, 1, jobKeys(jobId).winner, String(token), from, to)) as number;
  return reply === 1;
}

export async function readWinner(redis: Redis, jobId: string): Promise<WinnerRecord | undefined> {
  const record = await redis.hgetall(jobKeys(jobId).winner);
  if (!record.callId || !record.token || !record.state) return undefined;
  return { callId: record.callId, token: Number(record.token), state: record.state as WinnerState };
}
