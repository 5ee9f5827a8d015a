/**
 * The BullMQ queues of the engine. Each queue has its own hash-tagged prefix so that, on Redis Cluster, all of a
 * queue's keys share one slot (stack-notes §3.3).
 */
export const QUEUES = {
  /** One long-running job per hunt; the worker holding it is the hunt's owner. */
  hunts: { name: 'hunts', prefix: 'hh:{hunts}' },
  /** Staggered dial requests, one per line attempt. */
  dials: { name: 'dials', prefix: 'hh:{dials}' },
  /** Durable deadlines: a delayed job per timer that appends a timer message to the hunt's stream. */
  timers: { name: 'timers', prefix: 'hh:{timers}' },
} as const;

export interface HuntJobData {
  jobId: string;
}

export interface DialJobData {
  jobId: string;
  callId: string;
  attempt: number;
}

export interface TimerJobData {
  jobId: string;
  timer: string;
  callId?: string;
  at: number;
}

/**
 * Dial and timer jobs are retried when a run fails (Redis away mid-run): a lost dial left its line queued for good,
 * a lost timer left its line waiting. Both are safe to run again: a timer's event applied twice is ignored by the
 * machines (test/machines/job.property.test.ts delivers timers at least once), and a dial's guard replays its
 * result or, when the run stopped after calling out, finds and adopts the call (dial-runner.ts).
 */
export const EFFECT_JOB_RETRIES = { attempts: 10, backoff: { type: 'exponential', delay: 500 } } as const;

/** BullMQ ids may not contain ':' nor look like integers. */
export function bullId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]/g, '-')).join('__');
}
