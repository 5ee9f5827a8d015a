/**
 * The job's Redis stream: the one ordered inbox of its owner. Webhooks (from any instance), operator commands
 * and fired timers are all appended here, so the owner applies them one at a time, in arrival order, and a new
 * owner resumes from the last entry it had applied.
 */
import type { Redis } from 'ioredis';
import { jobKeys } from '../store/redis-keys.ts';
import type { TelephonyEvent } from './telephony-event.ts';
import type { OperatorCommand } from './job-commands.ts';
import type { HuntEvent, TimerName } from '../../machines/hunt-protocol.ts';

export type JobStreamMessage =
  | { kind: 'telephony'; event: TelephonyEvent }
  | { kind: 'command'; command: OperatorCommand; by: string; at: number }
  | { kind: 'timer'; timer: TimerName; callId?: string; at: number }
  /** The outcome of an effect the owner ran in the background (a dial, a hang-up). */
  | { kind: 'result'; event: HuntEvent };

export interface JobStreamEntry {
  id: string;
  message: JobStreamMessage;
}

/** Appends a message; returns its stream id. */
export function appendToJobStream(redis: Redis, jobId: string, message: JobStreamMessage): Promise<string> {
  return redis.xadd(jobKeys(jobId).events, '*', 'm', JSON.stringify(message)) as Promise<string>;
}

/** Entries as ioredis returns them from XRANGE/XREAD: [id, [field, value, …]]. */
export function parseJobStreamEntries(raw: [string, string[]][]): JobStreamEntry[] {
  const entries: JobStreamEntry[] = [];
  for (const [id, fields] of raw) {
    const index = fields.indexOf('m');
    const value = index >= 0 ? fields[index + 1] : undefined;
    if (value === undefined) continue;
    entries.push({ id, message: JSON.parse(value) as JobStreamMessage });
  }
  return entries;
}
