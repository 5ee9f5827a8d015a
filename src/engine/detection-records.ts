/**
 * The job's detection records: every decision of every line's detector (live and shadow) with its evidence, the
 * key of the audio clip around it, and the label an engineer gives it after replaying it. Labelled decisions are
 * what detection is tuned on (`docs/detection.md`).
 */
import type { Redis } from 'ioredis';
import { jobKeys } from '../store/redis-keys.ts';
import type { DetectionRecord } from './line-listening.ts';

export const DETECTION_LABELS = ['live-agent', 'recording', 'music', 'ringback', 'silence', 'voice-check', 'other'] as const;
export type DetectionLabelName = (typeof DETECTION_LABELS)[number];

export interface DetectionLabel {
  label: DetectionLabelName;
  note?: string;
  by: string;
  at: number;
}

export interface DetectionEntry extends DetectionRecord {
  /** The record's stream id. */
  id: string;
  label?: DetectionLabel;
}

/** Every detection decision of a job, oldest first. */
export async function readDetections(redis: Redis, jobId: string): Promise<DetectionRecord[]> {
  return (await readDetectionEntries(redis, jobId)).map(({ id: _id, label: _label, ...record }) => record);
}

/** The decisions with their ids and labels, oldest first; `callId` keeps one line's. */
export async function readDetectionEntries(redis: Redis, jobId: string, callId?: string): Promise<DetectionEntry[]> {
  const [raw, labels] = await Promise.all([redis.xrange(jobKeys(jobId).detections, '-', '+') as Promise<[string, string[]][]>, redis.hgetall(jobKeys(jobId).detectionLabels)]);
  const entries: DetectionEntry[] = [];
  for (const [id, fields] of raw) {
    const entry = entryOf(id, fields, labels[id]);
    if (callId === undefined || entry.callId === callId) entries.push(entry);
  }
  return entries;
}

export async function readDetectionEntry(redis: Redis, jobId: string, id: string): Promise<DetectionEntry | undefined> {
  const [raw, label] = await Promise.all([redis.xrange(jobKeys(jobId).detections, id, id) as Promise<[string, string[]][]>, redis.hget(jobKeys(jobId).detectionLabels, id)]);
  const fields = raw[0]?.[1];
  return fields ? entryOf(id, fields, label ?? undefined) : undefined;
}

/** A stream entry's record (field `d`) with its id and label. */
function entryOf(id: string, fields: string[], label: string | undefined): DetectionEntry {
  return { id, ...(JSON.parse(fields[1] ?? '{}') as DetectionRecord), ...(label ? { label: JSON.parse(label) as DetectionLabel } : {}) };
}

export async function labelDetection(redis: Redis, jobId: string, id: string, label: DetectionLabel): Promise<void> {
  await redis.hset(jobKeys(jobId).detectionLabels, id, JSON.stringify(label));
}
