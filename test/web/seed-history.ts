/**
 * Realistic hunt history for history, queue-usage and analytics tests, written the way the engine writes it: the
 * job record (`writeNewJob`, `updateJob`) and every line's state changes through the job-history writer
 * (`appendHistory`). Hunts fall on weekdays, 07:00–18:00 Eastern, over the weeks before `now`; early mornings
 * reach an agent fastest, midday slowest; more lines shorten the wait; the IRS
 * courtesy-disconnects more at midday. Deterministic for a seed.
 */
import type { Redis } from 'ioredis';
import { appendHistory } from '../../src/engine/job-history.ts';
import type { HistoryEntry } from '../../src/engine/job-history.ts';
import { updateJob, writeNewJob } from '../../src/engine/job-records.ts';
import { PPS_DESTINATION } from '../../src/engine/hunt-types.ts';
import type { JobSpec } from '../../src/engine/hunt-types.ts';
import { localHourAndWeekday } from '../../src/web/analytics.ts';

export interface SeedOptions {
  count: number;
  now: number;
  seed?: number;
  /** Id prefix, unique per test run. */
  prefix: string;
  operators?: string[];
  queues?: string[];
}

export interface SeededHunt {
  id: string;
  createdAt: number;
  outcome: 'transferred' | 'cancelled';
  timeToAgentMs?: number;
  lines: number;
  queue: string;
  by: string;
  courtesyDisconnects: number;
  answered: number;
  confirmedBy?: string;
}

/** Mulberry32: small, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LINE_CHOICES = [5, 10, 20, 40, 70];
const MINUTE = 60_000;

export async function seedHistory(redis: Redis, options: SeedOptions): Promise<SeededHunt[]> {
  const rnd = random(options.seed ?? 7);
  const operators = options.operators ?? ['alice', 'bob'];
  const queues = options.queues ?? ['801', '802'];
  const hunts: SeededHunt[] = [];
  let attempt = 0;
  while (hunts.length < options.count && attempt < options.count * 20) {
    attempt += 1;
    const createdAt = Math.floor(options.now - (1 + rnd() * 55) * 86_400_000);
    const { hour, weekday } = localHourAndWeekday(createdAt, 'America/New_York');
    if (weekday === 0 || weekday === 6 || hour < 7 || hour > 18) continue;
    const lines = LINE_CHOICES[Math.floor(rnd() * LINE_CHOICES.length)] as number;
    // Minutes to an agent: short early, long at midday, Monday worst; more lines help.
    const hourFactor = hour <= 7 ? 0.35 : hour <= 9 ? 0.7 : hour <= 14 ? 1.6 : 1.0;
    const dayFactor = weekday === 1 ? 1.4 : weekday === 2 && hour === 7 ? 0.6 : 1.0;
    const lineFactor = 1.6 - Math.log10(lines) * 0.55;
    const minutes = Math.max(2, 40 * hourFactor * dayFactor * lineFactor * (0.75 + rnd() * 0.5));
    const cancelled = rnd() < 0.12;
    const courtesyP = hour >= 10 && hour <= 14 ? 0.45 : 0.15;
    const id = `${options.prefix}-${hunts.length}`;
    const queue = queues[Math.floor(rnd() * queues.length)] as string;
    const by = operators[Math.floor(rnd() * operators.length)] as string;
    const spec: JobSpec = {
      id,
      destination: PPS_DESTINATION,
      target: { kind: 'queue', extensionNumber: queue },
      lines,
      extensionIds: [],
      handoff: 'transfer',
      deadlineAt: createdAt + 180 * MINUTE,
      detection: 'audio',
      createdAt,
      createdBy: by,
    };
    await writeNewJob(redis, spec);

    const entries: HistoryEntry[] = [{ at: createdAt, actor: 'job', from: 'starting', to: 'hunting', event: 'job.start' }];
    const agentAt = createdAt + Math.round(minutes * MINUTE);
    let courtesy = 0;
    for (let i = 0; i < lines; i++) {
      const callId = `call-${i + 1}`;
      const dialAt = createdAt + i * 100;
      entries.push({ at: dialAt, actor: callId, from: null, to: 'dialing', event: 'call.placed', detail: { attempt: 1 } });
      entries.push({ at: dialAt + 4_000, actor: callId, from: 'dialing', to: 'ivr', event: 'call.party', detail: { attempt: 1 } });
      if (rnd() < courtesyP) {
        courtesy += 1;
        entries.push({ at: dialAt + 50_000, actor: callId, from: 'ivr', to: 'cleaning', event: 'call.party', detail: { attempt: 1, endReason: 'far-hangup' } });
        continue;
      }
      entries.push({ at: dialAt + 48_000, actor: callId, from: 'ivr', to: 'holding', event: 'call.party', detail: { attempt: 1 } });
      if (i === 0) continue;
      // Now and then the detector suspects hold music and clears it, or the IRS drops a line from hold.
      if (rnd() < 0.05) {
        entries.push({ at: dialAt + 300_000, actor: callId, from: 'holding', to: 'suspected-live', event: 'call.suspect', detail: { attempt: 1 } });
        entries.push({ at: dialAt + 302_000, actor: callId, from: 'suspected-live', to: 'holding', event: 'call.clear', detail: { attempt: 1 } });
      } else if (rnd() < 0.08) {
        entries.push({ at: dialAt + 600_000, actor: callId, from: 'holding', to: 'cleaning', event: 'call.party', detail: { attempt: 1, endReason: 'far-hangup' } });
      }
    }
    const winner = 'call-1';
    const detector = rnd() < 0.8;
    if (!cancelled) {
      entries.push({ at: agentAt - 3_000, actor: winner, from: 'holding', to: 'suspected-live', event: 'call.suspect', detail: { attempt: 1 } });
      entries.push({ at: agentAt - 1_500, actor: winner, from: 'suspected-live', to: 'confirmed', event: 'call.confirm', detail: { attempt: 1, by: detector ? 'detector' : by } });
      entries.push({ at: agentAt - 1_000, actor: winner, from: 'confirmed', to: 'transferring', event: 'winner.claimed', detail: { attempt: 1 } });
      entries.push({ at: agentAt, actor: winner, from: 'transferring', to: 'transferred', event: 'transfer.succeeded', detail: { attempt: 1 } });
      entries.push({ at: agentAt + 500, actor: 'job', from: 'connecting', to: 'completed', event: 'transfer.succeeded' });
    } else {
      entries.push({ at: agentAt, actor: 'job', from: 'hunting', to: 'cancelled', event: 'operator.cancel' });
    }
    const multi = redis.multi();
    appendHistory(multi, id, entries, { status: cancelled ? 'cancelled' : 'completed', ...(cancelled ? {} : { winnerCallId: winner }) });
    await multi.exec();
    await updateJob(redis, id, { status: cancelled ? 'cancelled' : 'completed', endedAt: agentAt + 1_000, outcome: cancelled ? 'cancelled' : 'transferred', ...(cancelled ? {} : { winnerCallId: winner }) });
    hunts.push({
      id,
      createdAt,
      outcome: cancelled ? 'cancelled' : 'transferred',
      ...(cancelled ? {} : { timeToAgentMs: agentAt - createdAt, confirmedBy: detector ? 'detector' : by }),
      lines,
      queue,
      by,
      courtesyDisconnects: courtesy,
      answered: lines,
    });
  }
  return hunts;
}
