/** A stand-in for the engine behind the API: records what it was asked, answers from a map of job views. */
import type { CreateJobRequest, JobCommands, OperatorCommand } from '../../src/engine/job-commands.ts';
import { JobRequestError } from '../../src/engine/job-commands.ts';
import type { JobView } from '../../src/engine/hunt-types.ts';
import { PPS_DESTINATION } from '../../src/engine/hunt-types.ts';

export class FakeJobCommands implements JobCommands {
  readonly jobs = new Map<string, JobView>();
  readonly created: { request: CreateJobRequest; by: string }[] = [];
  readonly sent: { jobId: string; command: OperatorCommand; by: string }[] = [];
  /** The next create/send/list/get throws this. */
  failNext: Error | undefined;
  private next = 1;

  create(request: CreateJobRequest, by: string): Promise<JobView> {
    const failure = this.takeFailure();
    if (failure) return Promise.reject(failure);
    this.created.push({ request, by });
    const id = `job-${this.next++}`;
    const now = Date.now();
    const view: JobView = {
      id,
      status: 'starting',
      spec: {
        id,
        destination: PPS_DESTINATION,
        target: request.target ?? { kind: 'queue', extensionNumber: '801' },
        lines: request.lines,
        extensionIds: request.extensionIds ?? [],
        handoff: request.handoff ?? 'transfer',
        deadlineAt: now + (request.deadlineMinutes ?? 180) * 60_000,
        createdAt: now,
        createdBy: by,
      },
      calls: [],
      detection: { mode: 'manual', note: 'test double' },
      alerts: [],
    };
    this.jobs.set(id, view);
    return Promise.resolve(view);
  }

  list(): Promise<JobView[]> {
    const failure = this.takeFailure();
    if (failure) return Promise.reject(failure);
    return Promise.resolve([...this.jobs.values()]);
  }

  get(jobId: string): Promise<JobView | undefined> {
    const failure = this.takeFailure();
    if (failure) return Promise.reject(failure);
    return Promise.resolve(this.jobs.get(jobId));
  }

  send(jobId: string, command: OperatorCommand, by: string): Promise<void> {
    const failure = this.takeFailure();
    if (failure) return Promise.reject(failure);
    const job = this.jobs.get(jobId);
    if (!job) return Promise.reject(new JobRequestError(404, `No job with id ${jobId}.`, 'id'));
    if (command.type !== 'cancel' && !job.calls.some((call) => call.callId === command.callId)) {
      return Promise.reject(new JobRequestError(404, `Job ${jobId} has no call ${command.callId}.`, 'callId'));
    }
    if (job.status === 'cancelled') return Promise.reject(new JobRequestError(409, `Job ${jobId} is already cancelled.`));
    this.sent.push({ jobId, command, by });
    return Promise.resolve();
  }

  private takeFailure(): Error | undefined {
    const failure = this.failNext;
    this.failNext = undefined;
    return failure;
  }
}
