/**
 * The A/B test of detection: how the shadow (candidate) settings would have decided on the firm's own calls,
 * against the live settings that acted, over a destination's recent jobs. The calls the hunt handed over (the
 * winners: confirmed by the detector or by an operator) are the closest thing to ground truth we have: a
 * setting that confirms them sooner, and confirms nothing else, is the better one.
 */
import type { Redis } from 'ioredis';
import { listJobIds, readJob } from './job-records.ts';
import { readDetections } from './detection-records.ts';


export interface ShadowCallComparison {
  jobId: string;
  callId: string;
  /** The call the hunt handed to the firm. */
  winner: boolean;
  /** Seconds into the line's audio of the first confirmation, per settings. */
  liveConfirmedT?: number;
  shadowConfirmedT?: number;
}

export interface ShadowReport {
  destinationId: string;
  jobs: number;
  /** Calls the shadow settings listened to. */
  calls: number;
  bothConfirmed: number;
  liveOnly: number;
  shadowOnly: number;
  /** Of the winners: how many each settings confirmed. */
  winners: { total: number; liveConfirmed: number; shadowConfirmed: number };
  /** Calls confirmed by the shadow that the hunt did not hand over (candidate false confirmations). */
  shadowConfirmedNonWinners: number;
  liveConfirmedNonWinners: number;
  /** Where both confirmed: how much sooner the shadow did (seconds; negative = later), median and mean. */
  shadowSoonerSeconds?: { median: number; mean: number; n: number };
  comparisons: ShadowCallComparison[];
}

export async function shadowReport(redis: Redis, destinationId: string, recentJobs = 100): Promise<ShadowReport> {
  const comparisons: ShadowCallComparison[] = [];
  let jobs = 0;
  for (const jobId of await listJobIds(redis, recentJobs)) {
    const record = await readJob(redis, jobId);
    if (record?.spec.destination.id !== destinationId) continue;
    jobs += 1;
    const byCall = new Map<string, ShadowCallComparison & { shadowHeard: boolean }>();
    for (const entry of await readDetections(redis, jobId)) {
      let call = byCall.get(entry.callId);
      if (!call) {
        call = { jobId, callId: entry.callId, winner: record.winnerCallId === entry.callId, shadowHeard: false };
        byCall.set(entry.callId, call);
      }
      if (entry.mode === 'shadow') call.shadowHeard = true;
      if (entry.event !== 'confirmed') continue;
      if (entry.mode === 'live') call.liveConfirmedT ??= entry.t;
      else call.shadowConfirmedT ??= entry.t;
    }
    for (const { shadowHeard, ...call } of byCall.values()) if (shadowHeard) comparisons.push(call);
  }
  const confirmedLive = (c: ShadowCallComparison) => c.liveConfirmedT !== undefined;
  const confirmedShadow = (c: ShadowCallComparison) => c.shadowConfirmedT !== undefined;
  const sooner = comparisons.filter((c) => confirmedLive(c) && confirmedShadow(c)).map((c) => (c.liveConfirmedT ?? 0) - (c.shadowConfirmedT ?? 0));
  const winners = comparisons.filter((c) => c.winner);
  return {
    destinationId,
    jobs,
    calls: comparisons.length,
    bothConfirmed: sooner.length,
    liveOnly: comparisons.filter((c) => confirmedLive(c) && !confirmedShadow(c)).length,
    shadowOnly: comparisons.filter((c) => !confirmedLive(c) && confirmedShadow(c)).length,
    winners: { total: winners.length, liveConfirmed: winners.filter(confirmedLive).length, shadowConfirmed: winners.filter(confirmedShadow).length },
    shadowConfirmedNonWinners: comparisons.filter((c) => !c.winner && confirmedShadow(c)).length,
    liveConfirmedNonWinners: comparisons.filter((c) => !c.winner && confirmedLive(c)).length,
    ...(sooner.length > 0 ? { shadowSoonerSeconds: { median: median(sooner), mean: sooner.reduce((a, b) => a + b, 0) / sooner.length, n: sooner.length } } : {}),
    comparisons,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
