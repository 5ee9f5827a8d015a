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

/** BullMQ ids may not contain ':' nor look like integers. */
export function bullId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]/g, '-')).join('__');
}
