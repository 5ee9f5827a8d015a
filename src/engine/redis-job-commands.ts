/**
 * JobCommands on Redis: a new hunt is validated, written and queued for an owner; operator commands are
 * appended to the hunt's stream so the owner applies them in order with everything else.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Telephony, TransferTarget } from '../telephony/telephony-port.ts';
import { globalKeys, jobKeys } from '../store/redis-keys.ts';
import { JobRequestError } from './job-commands.ts';
import type { CreateJobRequest, JobCommands, OperatorCommand } from './job-commands.ts';
import { PPS_DESTINATION } from './hunt-types.ts';
import type { CallView, Destination, JobSpec, JobView, OperatorAlert } from './hunt-types.ts';
import { listJobIds, readJob, writeNewJob } from './job-records.ts';
import { readStoredJob } from './job-snapshot-store.ts';
import { appendToJobStream } from './job-stream.ts';
import { readExtensions, readQueues } from './extension-directory.ts';
import { getDestination } from './destination-store.ts';
import { defaultTarget, queueOverrides, resolveOverride } from './queue-settings.ts';
import { getPool } from './extension-pools.ts';
import { AVAILABILITY_WORDS, isAvailable, readPresence } from './extension-presence.ts';
import type { HuntJobData } from './engine-queues.ts';
import { SOFTPHONE_DIAL_STAGGER_MS, summarize } from '../../machines/index.ts';

/**
 * A hunt whose owner's run throws (Redis restarted under it, a read failed) is tried again from its snapshot a
 * second later, by whichever instance takes it: failing it would leave its lines on hold with nobody owning them.
 */
const HUNT_RETRIES = { attempts: 100, backoff: { type: 'fixed', delay: 1_000 } } as const;

export interface RedisJobCommandsDeps {
  redis: Redis;
  hunts: Queue<HuntJobData>;
  telephony: Telephony;
  /** Softphone lines register as SIP devices: only "Existing Phone" (OtherPhone) devices can (research §2). */
  lineMode?: 'softphone' | 'call-out';
  /** FEATURES standby-bridge: false refuses hunts that ask for the standby bridge. */
  standbyBridge?: boolean;
  now?: () => number;
}

const MAX_LINES = 70;
const DEFAULT_DEADLINE_MINUTES = 180;
const FINAL = new Set(['completed', 'cancelled', 'failed']);

export class RedisJobCommands implements JobCommands {
  private readonly now: () => number;

  constructor(private readonly deps: RedisJobCommandsDeps) {
    this.now = deps.now ?? Date.now;
  }

  async create(request: CreateJobRequest, by: string): Promise<JobView> {
    const { redis } = this.deps;
    if (!Number.isInteger(request.lines) || request.lines < 1 || request.lines > MAX_LINES) {
      throw new JobRequestError(400, `lines must be a whole number from 1 to ${MAX_LINES}`, 'lines');
    }
    if (request.handoff === 'standby-bridge' && this.deps.standbyBridge === false) {
      throw new JobRequestError(422, 'the standby bridge is switched off on this deployment (FEATURES standby-bridge=off): hand off by transfer', 'handoff');
    }
    const destination = await this.destination(request.destinationId);
    const checked = await this.checkedTarget(request.target);
    const target = resolveOverride(checked, await queueOverrides(redis));
    const { extensionIds, pool } = await this.candidates(request, request.lines);
    const createdAt = this.now();
    const spec: JobSpec = {
      id: `job-${createdAt.toString(36)}-${randomBytes(3).toString('hex')}`,
      destination,
      target,
      lines: request.lines,
      extensionIds,
      ...(pool ? { pool } : {}),
      ...(checked.kind === 'queue' && target.kind !== 'queue' ? { forQueue: checked.extensionNumber } : {}),
      handoff: request.handoff ?? 'transfer',
      deadlineAt: createdAt + (request.deadlineMinutes ?? DEFAULT_DEADLINE_MINUTES) * 60_000,
      ...(this.deps.lineMode === 'softphone' ? { dialStaggerMs: SOFTPHONE_DIAL_STAGGER_MS } : {}),
      detection: this.deps.lineMode === 'call-out' ? 'manual' : 'audio',
      createdAt,
      createdBy: by,
    };
    await writeNewJob(redis, spec);
    await this.deps.hunts.add('hunt', { jobId: spec.id }, { jobId: spec.id, removeOnComplete: 1000, removeOnFail: 1000, ...HUNT_RETRIES });
    return { id: spec.id, status: 'starting', spec, calls: [], detection: detectionOf(spec), alerts: [] };
  }

  async list(): Promise<JobView[]> {
    const views = await Promise.all((await listJobIds(this.deps.redis)).map((id) => this.get(id)));
    return views.filter((v): v is JobView => v !== undefined);
  }

  async get(jobId: string): Promise<JobView | undefined> {
    const record = await readJob(this.deps.redis, jobId);
    if (!record) return undefined;
    const [stored, alerts] = await Promise.all([readStoredJob(this.deps.redis, jobId), this.deps.redis.hvals(jobKeys(jobId).alerts)]);
    const summary = stored ? summarize(stored.snapshot) : undefined;
    const calls: CallView[] = (summary?.calls ?? []).map((c) => ({
      callId: c.callId,
      status: c.status,
      attempt: c.attempt,
      since: c.since,
      ...(c.extensionId ? { extensionId: c.extensionId } : {}),
      ...(c.telephonySessionId ? { telephonySessionId: c.telephonySessionId } : {}),
      ...(c.endReason ? { endReason: c.endReason } : {}),
      ...(c.confidence === undefined ? {} : { confidence: c.confidence }),
    }));
    return {
      id: jobId,
      status: summary?.status ?? record.status,
      spec: record.spec,
      calls,
      detection: detectionOf(record.spec),
      alerts: alerts.map((raw) => JSON.parse(raw) as OperatorAlert).sort((a, b) => a.at - b.at),
      ...((summary?.winnerCallId ?? record.winnerCallId) ? { winnerCallId: summary?.winnerCallId ?? record.winnerCallId } : {}),
      ...(record.endedAt ? { endedAt: record.endedAt } : {}),
      ...(record.outcome ? { outcome: record.outcome } : {}),
    };
  }

  async send(jobId: string, command: OperatorCommand, by: string): Promise<void> {
    const record = await readJob(this.deps.redis, jobId);
    if (!record) throw new JobRequestError(404, `no job ${jobId}`);
    if (FINAL.has(record.status)) throw new JobRequestError(409, `job ${jobId} has already ended (${record.status})`);
    if (command.type !== 'cancel') {
      const view = await this.get(jobId);
      if (!view?.calls.some((c) => c.callId === command.callId)) throw new JobRequestError(404, `job ${jobId} has no line ${command.callId}`);
    }
    await appendToJobStream(this.deps.redis, jobId, { kind: 'command', command, by, at: this.now() });
  }

  private async destination(id: string | undefined): Promise<Destination> {
    const destination = await getDestination(this.deps.redis, id ?? PPS_DESTINATION.id);
    if (!destination) throw new JobRequestError(422, `no saved destination "${id ?? ''}"`, 'destinationId');
    return destination;
  }

  /** Hand-offs go only to the firm's own queues and extensions: nobody can make the firm dial out elsewhere. */
  private async checkedTarget(requested: TransferTarget | undefined): Promise<TransferTarget> {
    const queues = await readQueues(this.deps.redis);
    if (!requested) {
      const fallback = await defaultTarget(this.deps.redis);
      if (fallback) return fallback;
      const first = queues.sort((a, b) => a.extensionNumber.localeCompare(b.extensionNumber, 'en', { numeric: true }))[0];
      if (!first) throw new JobRequestError(422, 'no transfer target: sync call queues or choose an extension', 'target');
      return { kind: 'queue', extensionNumber: first.extensionNumber };
    }
    if (requested.kind === 'queue') {
      if (!queues.some((q) => q.extensionNumber === requested.extensionNumber)) throw new JobRequestError(422, `no call queue with extension ${requested.extensionNumber}`, 'target');
      return requested;
    }
    if (requested.kind === 'extension') {
      const users = await readExtensions(this.deps.redis);
      if (!users.some((u) => u.extensionNumber === requested.extensionNumber)) throw new JobRequestError(422, `no extension ${requested.extensionNumber}`, 'target');
      return requested;
    }
    const saved = await this.deps.redis.hget(globalKeys.settings, 'savedNumbers');
    const numbers = saved ? (JSON.parse(saved) as string[]) : [];
    if (!numbers.includes(requested.phoneNumber)) throw new JobRequestError(422, `${requested.phoneNumber} is not one of the firm's saved transfer numbers`, 'target');
    return requested;
  }

  /**
   * The extensions a job may dial from — hand-picked, one named pool's, or every one — each enabled for hunting,
   * with a device the line mode can use, and available by its presence (not on a call, not DND, not offline);
   * and a check that enough of them are free right now.
   */
  private async candidates(request: CreateJobRequest, lines: number): Promise<{ extensionIds: string[]; pool?: { id: string; name: string } }> {
    const { redis } = this.deps;
    const requested = request.extensionIds ?? [];
    if (request.pool !== undefined && requested.length > 0) throw new JobRequestError(422, 'choose a pool or hand-picked extensions, not both', 'pool');
    const [extensions, presence] = await Promise.all([readExtensions(redis), readPresence(redis)]);
    const softphone = this.deps.lineMode === 'softphone';
    const usable = new Map(extensions.filter((e) => e.enabled && e.deviceId && (!softphone || e.deviceType === 'OtherPhone')).map((e) => [e.id, e]));
    let ids: string[];
    let pool: { id: string; name: string } | undefined;
    if (requested.length > 0) {
      const bad = requested.filter((id) => !usable.has(id));
      const device = softphone ? 'an online "Existing Phone" device' : 'an online device';
      if (bad.length > 0) throw new JobRequestError(422, `extensions not enabled for hunting or without ${device}: ${bad.join(', ')}`, 'extensionIds');
      const away = requested.filter((id) => !isAvailable(presence.get(id)));
      if (away.length > 0) {
        const words = away.map((id) => `${usable.get(id)?.extensionNumber ?? id} (${AVAILABILITY_WORDS[presence.get(id)?.availability ?? 'available'].toLowerCase()})`);
        throw new JobRequestError(422, `extensions not available right now: ${words.join(', ')}`, 'extensionIds');
      }
      ids = [...new Set(requested)];
    } else if (request.pool !== undefined) {
      const found = await getPool(redis, request.pool);
      if (!found) throw new JobRequestError(422, `no pool with id ${request.pool}`, 'pool');
      pool = { id: found.id, name: found.name };
      // Directory order (by extension number), as for "any extension".
      const members = new Set(found.extensionIds);
      ids = [...usable.keys()].filter((id) => members.has(id) && isAvailable(presence.get(id)));
    } else {
      ids = [...usable.keys()].filter((id) => isAvailable(presence.get(id)));
    }
    const reserved = await redis.hgetall(globalKeys.extensionReservations);
    const free = ids.filter((id) => !(id in reserved)).length;
    const where = pool ? ` in pool "${pool.name}"` : '';
    if (free < lines) throw new JobRequestError(409, `only ${free} free available extension${free === 1 ? '' : 's'}${where} for ${lines} lines`, 'lines');
    return { extensionIds: ids, ...(pool ? { pool } : {}) };
  }
}

function detectionOf(spec: JobSpec): JobView['detection'] {
  return spec.detection === 'audio'
    ? { mode: 'audio', note: 'The detector listens to every line and confirms a live agent by itself; operators may confirm too.' }
    : { mode: 'manual', note: 'Call-out lines carry no audio to the product: confirm the live line by hand (listen on the extension, then "Confirm live").' };
}
