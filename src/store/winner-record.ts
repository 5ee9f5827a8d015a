/**
 * The job's one-shot winner record (stack-notes §2.3): a Lua compare-and-set with a fencing token decides the
 * winner, and only the claimed → transferring step authorises a transfer request. Correctness rests on these
 * scripts, never on a lock alone.
 */
import type { Redis } from 'ioredis';
import { jobKeys } from './redis-keys.ts';
import { luaScript } from './lua-script.ts';

const CLAIM = luaScript('claim-winner-2.lua');
const ADVANCE = luaScript('advance-winner-1.lua');

export type WinnerState = 'claimed' | 'transferring' | 'transferred' | 'failed';

export type ClaimResult = { won: true; token: number } | { won: false; token: number; winnerCallId: string; state: WinnerState };

export interface WinnerRecord {
  callId: string;
  token: number;
  state: WinnerState;
}

/**
 * `intentId` is the id of the job's claim-winner intent: a re-run of the same intent gets the same answer, and a
 * later claim supersedes one that never reached its hand-off (the job gave up on it).
 */
export async function claimWinner(redis: Redis, jobId: string, callId: string, intentId: number): Promise<ClaimResult> {
  const keys = jobKeys(jobId);
  const reply = (await CLAIM.run(redis, [keys.winner, keys.fence], [callId, intentId])) as [number, number, string?, string?];
  if (reply[0] === 1) return { won: true, token: reply[1] };
  return { won: false, token: reply[1], winnerCallId: reply[2] ?? '', state: (reply[3] ?? 'claimed') as WinnerState };
}

export async function advanceWinner(redis: Redis, jobId: string, token: number, from: WinnerState, to: WinnerState): Promise<boolean> {
  const reply = (await ADVANCE.run(redis, [jobKeys(jobId).winner], [token, from, to])) as number;
  return reply === 1;
}

export async function readWinner(redis: Redis, jobId: string): Promise<WinnerRecord | undefined> {
  const record = await redis.hgetall(jobKeys(jobId).winner);
  if (!record.callId || !record.token || !record.state) return undefined;
  return { callId: record.callId, token: Number(record.token), state: record.state as WinnerState };
}
